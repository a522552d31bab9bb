/**
 * Writes a week of sshd syslog lines (Nov 23-29, 2026, local time) to
 * standard output: routine logins and sessions, stray failed passwords,
 * scanners, and a few brute-force attacks, one of them followed by a
 * successful login. Deterministic (fixed seed).
 *
 *   deno run rules/gen-sshd-week.ts > rules/sshd-week.log
 *
 * @module
 */
let seed = 20261123;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
function stamp(t: number): string {
  const d = new Date(t * 1000);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}
const users = ["alice", "bob", "carol", "deploy", "backup"];
const office = ["10.0.0.11", "10.0.0.12", "10.0.0.23", "10.0.1.5"];
const events: [number, string][] = [];
let pid = 4000;
const start = new Date(2026, 10, 23, 0, 0, 0).getTime() / 1000;
const week = 7 * 86400;
const add = (t: number, text: string) => events.push([Math.floor(t), text]);

// routine logins with sessions of minutes to hours, during the day
for (let day = 0; day < 7; day++) {
  const n = 6 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const t = start + day * 86400 + (8 + rnd() * 10) * 3600;
    const user = pick(users), ip = pick(office), port = 40000 + Math.floor(rnd() * 20000);
    const id = pid++;
    add(t, `sshd[${id}]: Accepted publickey for ${user} from ${ip} port ${port} ssh2`);
    add(t, `sshd[${id}]: pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`);
    add(t + 60 + rnd() * 4 * 3600, `sshd[${id}]: pam_unix(sshd:session): session closed for user ${user}`);
  }
}
// a session left open for two days
add(start + 2 * 86400 + 9.5 * 3600, `sshd[${pid}]: Accepted publickey for deploy from 10.0.0.23 port 51000 ssh2`);
add(start + 2 * 86400 + 9.5 * 3600, `sshd[${pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)`);
add(start + 4 * 86400 + 11 * 3600, `sshd[${pid++}]: pam_unix(sshd:session): session closed for user deploy`);
// a root login at night
add(start + 3 * 86400 + 2.25 * 3600, `sshd[${pid++}]: Accepted password for root from 10.0.1.5 port 52222 ssh2`);
// stray failed passwords (typos), never five in two minutes
for (let i = 0; i < 60; i++) {
  const t = start + rnd() * week;
  add(t, `sshd[${pid++}]: Failed password for ${pick(users)} from ${pick(office)} port ${40000 + i} ssh2`);
}
// scanners, some of them twice a day
for (let i = 0; i < 40; i++) {
  const t = start + rnd() * week;
  const ip = `198.51.100.${1 + Math.floor(rnd() * 8)}`;
  add(t, `sshd[${pid++}]: Did not receive identification string from ${ip} port ${30000 + i}`);
}
// brute force: bursts of failures from outside
const attacks: [number, string, boolean][] = [
  [start + 0.5 * 86400 + 3 * 3600, "203.0.113.7", false],
  [start + 2 * 86400 + 22 * 3600, "203.0.113.50", false],
  [start + 5 * 86400 + 4 * 3600, "192.0.2.66", true],
];
for (const [t0, ip, succeeds] of attacks) {
  const n = 8 + Math.floor(rnd() * 20);
  let t = t0;
  for (let i = 0; i < n; i++) {
    t += 2 + rnd() * 6;
    const who = rnd() < 0.5 ? "root" : `invalid user ${pick(["admin", "test", "oracle", "pi"])}`;
    add(t, `sshd[${pid++}]: Failed password for ${who} from ${ip} port ${30000 + i} ssh2`);
  }
  if (succeeds) {
    add(t + 1200, `sshd[${pid}]: Accepted password for backup from ${ip} port 31999 ssh2`);
    add(t + 1200, `sshd[${pid++}]: pam_unix(sshd:session): session opened for user backup(uid=1002) by (uid=0)`);
  }
}
events.sort((a, b) => a[0] - b[0]);
const out = events.map(([t, text]) => `${stamp(t)} bastion ${text}`).join("\n") + "\n";
await Deno.stdout.write(new TextEncoder().encode(out));
