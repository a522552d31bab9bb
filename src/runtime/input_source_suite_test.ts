/**
 * The shared input source contract (input_source_suite.ts) run for every
 * kind of input: regular files (--notail and --tail), a pipe (standard
 * input), named pipes (--rwfifo, --norwfifo with --tail and --notail), and
 * TCP, UDP, Unix stream and Unix datagram sockets on loopback. Each kind
 * is made as the InputManager makes it (inputs.ts `#makeSource`), with
 * real writers: file appends, a `cat` child process, FIFO writers, socket
 * clients.
 *
 * What differs between kinds is declared in their capabilities:
 * - partial last line: delivered at EOF (--notail file, pipe, --norwfifo
 *   FIFO) or when the connection closes (TCP, Unix stream); ended by the
 *   end of its datagram (UDP, Unix datagram); held until a later writer
 *   completes it (--tail file, --rwfifo FIFO: SEC 2.9.4 does the same);
 * - end of input: only the --notail file, the pipe and the --norwfifo
 *   --notail FIFO finish; the others read later writers;
 * - length: sockets cut lines at their limit (64 KiB for stream sockets;
 *   the datagram kinds are made with a 4 KiB limit so that a cut line fits
 *   in one datagram); files, pipes and FIFOs have none.
 *
 * The standard input kind reads a pipe from a child process with the
 * ByteReader the program uses for standard input (an `FsFile`'s `read` and
 * `close`, as `stdinReader()`): the test process's own standard input
 * belongs to the test runner.
 */
import { FileSource } from "./input_file.ts";
import { fifoSource } from "./input_fifo.ts";
import { SocketSource } from "./input_socket.ts";
import { StreamSource } from "./input_stream.ts";
import type { SourceEnv } from "./input_source.ts";
import {
  type InputKind,
  inputSourceSuite,
  type KindCapabilities,
  type SourceUnderTest,
  type SourceWriter,
} from "./input_source_suite.ts";
import { inetSocketInodes, openDescriptors, unixSocketInodes } from "../../tests/helpers/fds.ts";

/** A writer that appends to a file (a logging program). */
function appender(path: string): SourceWriter {
  return {
    write: (b) => Deno.writeFile(path, b, { append: true }),
    close: () => Promise.resolve(),
  };
}

/**
 * A writer process: `argv` reads its standard input, which `write` feeds
 * and `close` closes (then the process exits). Its descriptors are its
 * own, so those of this process are the source's alone.
 */
function processWriter(argv: string[]): SourceWriter {
  const child = new Deno.Command(argv[0], { args: argv.slice(1), stdin: "piped" }).spawn();
  const input = child.stdin.getWriter();
  let closed = false;
  return {
    write: (b) => input.write(b),
    close: async () => {
      if (!closed) {
        closed = true;
        await input.close();
      }
      await child.status;
    },
  };
}

/** The descriptors open on `path`. */
const onPath = (path: string) => () => openDescriptors((t) => t === path);

/** Descriptors of the sockets whose i-nodes `inodes()` lists. */
const onSockets = (inodes: () => Set<string>) => () => {
  const set = inodes();
  return openDescriptors((t) => set.has(t.match(/^socket:\[(\d+)\]$/)?.[1] ?? ""));
};

function fileKind(name: string, tail: boolean): InputKind {
  const caps: KindCapabilities = tail
    ? { type: "regular file", partialLine: "next-writer", endsWhenWriterCloses: false }
    : {
      type: "regular file",
      partialLine: "writer-close",
      endsWhenWriterCloses: true,
      writeBeforeRead: true,
    };
  return {
    name,
    caps,
    create(dir: string, env: SourceEnv, context: string | undefined) {
      const path = `${dir}/app.log`;
      Deno.writeFileSync(path, new Uint8Array());
      env.tail = tail;
      env.fromstart = true;
      const source = new FileSource(path, context, env);
      return Promise.resolve({
        source,
        name: path,
        writer: () => Promise.resolve(appender(path)),
        descriptors: onPath(path),
        cleanup: () => Promise.resolve(),
      });
    },
  };
}

const pipeKind: InputKind = {
  name: "pipe (standard input)",
  caps: {
    type: "pipe",
    partialLine: "writer-close",
    endsWhenWriterCloses: true,
    closeWaitsForData: true,
  },
  async create(_dir: string, env: SourceEnv, context: string | undefined) {
    env.tail = false;
    // cat copies its standard input to a pipe; our end is opened as a file, like Deno.stdin
    const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
    const pipe = Deno.readLinkSync(`/proc/${child.pid}/fd/1`);
    const file = await Deno.open(`/proc/${child.pid}/fd/1`, { read: true });
    await child.stdout.cancel(); // the only read end left is the source's
    const source = new StreamSource("-", context, {
      read: (p) => file.read(p),
      close: () => file.close(),
    }, env);
    const input = child.stdin.getWriter();
    let closed = false;
    const sut: SourceUnderTest = {
      source,
      name: "-",
      writer: () =>
        Promise.resolve({
          write: (b) => input.write(b),
          close: async () => {
            if (closed) return;
            closed = true;
            await input.close();
          },
        }),
      descriptors: () => openDescriptors((t) => t === pipe),
      async cleanup() {
        if (!closed) await input.close().catch(() => {});
        closed = true;
        await child.status;
      },
    };
    return sut;
  },
};

function fifoKind(name: string, rwfifo: boolean, tail: boolean): InputKind {
  const caps: KindCapabilities = rwfifo
    ? { type: "named pipe", partialLine: "next-writer", endsWhenWriterCloses: false }
    : { type: "named pipe", partialLine: "writer-close", endsWhenWriterCloses: !tail };
  return {
    name,
    caps,
    async create(dir: string, env: SourceEnv, context: string | undefined) {
      const path = `${dir}/in.fifo`;
      const r = await new Deno.Command("mkfifo", { args: ["-m", "600", path] }).output();
      if (!r.success) throw new Error("mkfifo failed");
      env.tail = tail;
      return {
        source: fifoSource(path, context, env, rwfifo),
        name: path,
        writer: () => Promise.resolve(processWriter(["sh", "-c", 'exec cat > "$0"', path])),
        descriptors: onPath(path),
        cleanup: () => Promise.resolve(),
      };
    },
  };
}

/** A TCP or Unix stream client. */
async function streamClient(opts: Deno.ConnectOptions | Deno.UnixConnectOptions) {
  const conn = await Deno.connect(opts as Deno.ConnectOptions);
  let closed = false;
  return {
    write: async (b: Uint8Array) => {
      for (let at = 0; at < b.length;) at += await conn.write(b.subarray(at));
    },
    close: () => {
      if (!closed) conn.close();
      closed = true;
      return Promise.resolve();
    },
  };
}

const tcpKind: InputKind = {
  name: "tcp socket",
  caps: {
    type: "tcp",
    partialLine: "writer-close",
    endsWhenWriterCloses: false,
    maxLineBytes: 65536,
  },
  create(_dir: string, env: SourceEnv, context: string | undefined) {
    const name = "tcp://127.0.0.1:0";
    const source = new SocketSource(name, context, env);
    return Promise.resolve({
      source,
      name,
      writer: () => streamClient({ hostname: "127.0.0.1", port: source.port! }),
      descriptors: onSockets(() => inetSocketInodes("tcp", source.port!)),
      cleanup: () => Promise.resolve(),
    });
  },
};

const unixKind: InputKind = {
  name: "unix stream socket",
  caps: {
    type: "unix",
    partialLine: "writer-close",
    endsWhenWriterCloses: false,
    maxLineBytes: 65536,
  },
  create(dir: string, env: SourceEnv, context: string | undefined) {
    const path = `${dir}/in.sock`;
    const name = `unix://${path}`;
    return Promise.resolve({
      source: new SocketSource(name, context, env),
      name,
      writer: () => streamClient({ transport: "unix", path }),
      descriptors: onSockets(() => unixSocketInodes(path)),
      cleanup: () => Promise.resolve(),
    });
  },
};

/** Datagram kinds: 4 KiB lines (a cut line fits a datagram), 100 datagrams unread at most. */
const DATAGRAM_CAPS = {
  partialLine: "datagram-end",
  endsWhenWriterCloses: false,
  maxLineBytes: 4096,
  datagrams: { window: 100, maxBytes: 8192 },
} as const;

const udpKind: InputKind = {
  name: "udp socket",
  caps: { type: "udp", ...DATAGRAM_CAPS },
  create(_dir: string, env: SourceEnv, context: string | undefined) {
    const name = "udp://127.0.0.1:0";
    const source = new SocketSource(name, context, env, { maxLine: 4096 });
    return Promise.resolve({
      source,
      name,
      async writer() {
        await source.bound;
        const sock = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
        const to: Deno.NetAddr = { transport: "udp", hostname: "127.0.0.1", port: source.port! };
        return {
          write: async (b) => void await sock.send(b, to),
          close: () => Promise.resolve(sock.close()),
        };
      },
      descriptors: onSockets(() => inetSocketInodes("udp", source.port!)),
      cleanup: () => Promise.resolve(),
    });
  },
};

const unixgramKind: InputKind = {
  name: "unix datagram socket",
  caps: { type: "unixgram", ...DATAGRAM_CAPS },
  create(dir: string, env: SourceEnv, context: string | undefined) {
    const path = `${dir}/in.dgram`;
    const name = `unixgram://${path}`;
    let n = 0;
    return Promise.resolve({
      source: new SocketSource(name, context, env, { maxLine: 4096 }),
      name,
      writer() {
        const sock = Deno.listenDatagram({ transport: "unixpacket", path: `${dir}/client${n++}` });
        const to: Deno.UnixAddr = { transport: "unixpacket", path };
        return Promise.resolve({
          write: async (b: Uint8Array) => void await sock.send(b, to),
          close: () => Promise.resolve(sock.close()),
        });
      },
      descriptors: onSockets(() => unixSocketInodes(path)),
      cleanup: () => Promise.resolve(),
    });
  },
};

for (
  const kind of [
    fileKind("regular file (--notail)", false),
    fileKind("regular file (--tail)", true),
    pipeKind,
    fifoKind("named pipe (--rwfifo)", true, true),
    fifoKind("named pipe (--norwfifo --tail)", false, true),
    fifoKind("named pipe (--norwfifo --notail)", false, false),
    tcpKind,
    udpKind,
    unixKind,
    unixgramKind,
  ]
) inputSourceSuite(kind);
