"""Delta-debugging minimizer and case-folder writer for difffuzz."""
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import harness
import model

_HERE = os.path.dirname(os.path.realpath(__file__))
RUN_CASE = os.environ.get("RUN_CASE") or next(
    (p for p in (os.path.join(_HERE, "..", "conformance", "run-case"),
                 os.path.join(_HERE, "..", "..", "shared", "conformance", "run-case"),
                 os.path.join(_HERE, "..", "..", "..", "shared", "conformance", "run-case")) if os.path.exists(p)),
    "run-case")
WORK_JSON_DIR = os.path.join(tempfile.gettempdir(), "difffuzz-work", "min")


class Minimizer:
    def __init__(self, case, want_kinds, budget_tests=450, budget_secs=420, quiet=True):
        import rootcause
        self.case = case
        self.want = set(want_kinds)
        # do not drift into known root causes the starting case does not show
        self.forbid = [rc for rc in rootcause.KNOWN if not rc.detect(case)]
        self.forbid_loaded = "loaded" not in self.want
        self.budget_tests = budget_tests
        self.budget_secs = budget_secs
        self.quiet = quiet
        self.tests = 0
        self.t0 = time.time()
        self.cache = {}
        self.last = None  # (sec, ours) of the current best

    def out_of_budget(self):
        return self.tests >= self.budget_tests or time.time() - self.t0 > self.budget_secs

    def key(self, case):
        h = hashlib.sha1()
        for name, data in model.rule_files(case):
            h.update(name.encode() + b"\0" + data + b"\0")
        h.update(model.input_bytes(case))
        h.update("\0".join(case.get("args", [])).encode())
        return h.hexdigest()

    def test(self, case):
        k = self.key(case)
        if k in self.cache:
            return self.cache[k]
        if self.out_of_budget():
            return False
        if any(rc.detect(case) for rc in self.forbid):
            self.cache[k] = False
            return False
        self.tests += 1
        ok, sec, ours = harness.quick_check(case, self.want, forbid_loaded=self.forbid_loaded)
        if ok and "timeout" not in self.want:
            # the difference must be visible to run-case: stdout or a file SEC wrote
            vis = sec.stdout != ours.stdout or any(ours.files.get(f) != b for f, b in sec.files.items())
            ok = vis
        self.cache[k] = ok
        if ok:
            self.last = (sec, ours)
        return ok

    def log(self, msg):
        if not self.quiet:
            print("  [min %d tests %.0fs size %d] %s" % (self.tests, time.time() - self.t0,
                                                          model.case_size(self.case), msg), flush=True)

    # -- generic list ddmin over a path into the case ---------------------
    def ddmin_list(self, get, set_, what):
        """get(case)->list, set_(case, list). Remove chunks while test passes."""
        lst = get(self.case)
        n = 2
        while len(lst) >= 1 and not self.out_of_budget():
            chunk = max(1, len(lst) // n)
            removed = False
            i = 0
            while i < len(lst) and not self.out_of_budget():
                cand_list = lst[:i] + lst[i + chunk:]
                cand = copy.deepcopy(self.case)
                set_(cand, cand_list)
                if self.test(cand):
                    self.case = cand
                    lst = cand_list
                    removed = True
                    self.log("%s: removed %d" % (what, chunk))
                else:
                    i += chunk
            if not removed:
                if chunk == 1:
                    break
                n = min(len(lst), n * 2)
            else:
                n = max(2, n - 1) if chunk > 1 else n
                if len(lst) <= 1 and chunk == 1:
                    # try removing the last one
                    pass
        return lst

    def try_replace(self, mutate, what):
        cand = copy.deepcopy(self.case)
        try:
            changed = mutate(cand)
        except (IndexError, KeyError, ValueError):
            return False
        if changed is False:
            return False
        if self.key(cand) == self.key(self.case):
            return False
        if self.test(cand):
            self.case = cand
            self.log(what)
            return True
        return False

    # -- passes -------------------------------------------------------------
    def pass_files(self):
        i = 0
        while i < len(self.case["files"]) and len(self.case["files"]) > 1:
            def m(c, i=i):
                del c["files"][i]
            if not self.try_replace(m, "dropped file"):
                i += 1

    def pass_items(self):
        for fi in range(len(self.case["files"])):
            if fi >= len(self.case["files"]):
                break
            self.ddmin_list(lambda c, fi=fi: c["files"][fi]["items"],
                            lambda c, l, fi=fi: c["files"][fi].__setitem__("items", l), "items")

    def pass_input(self):
        self.ddmin_list(lambda c: c["input"], lambda c, l: c.__setitem__("input", l), "input")

    def pass_args(self):
        self.ddmin_list(lambda c: c.get("args", []), lambda c, l: c.__setitem__("args", l), "args")

    def rules(self):
        for fi, f in enumerate(self.case["files"]):
            for ii, it in enumerate(f["items"]):
                if it["kind"] == "rule":
                    yield fi, ii, it

    def pass_fields(self):
        for fi, ii, it in list(self.rules()):
            j = 0
            while True:
                try:
                    fields = self.case["files"][fi]["items"][ii]["fields"]
                except (IndexError, KeyError):
                    break
                if j >= len(fields):
                    break
                if fields[j][0] == "type":
                    j += 1
                    continue
                def m(c, fi=fi, ii=ii, j=j):
                    del c["files"][fi]["items"][ii]["fields"][j]
                if not self.try_replace(m, "dropped field"):
                    j += 1
            def m2(c, fi=fi, ii=ii):
                it = c["files"][fi]["items"][ii]
                if not it.get("style"):
                    return False
                it["style"] = {}
            self.try_replace(m2, "plain style")

    def action_paths(self):
        """Yield (fi, ii, j, path) for every node in every action list; path is a
        list of indexes (nested lists: if-then=2, if-else=3, while=2, ctx=4)."""
        out = []
        for fi, ii, it in self.rules():
            for j, (k, v) in enumerate(it["fields"]):
                if isinstance(v, list):
                    self._walk(v, [], lambda p, fi=fi, ii=ii, j=j: out.append((fi, ii, j, p)))
        return out

    def _walk(self, lst, prefix, cb):
        for idx, n in enumerate(lst):
            p = prefix + [idx]
            if n[0] == "if":
                if n[2]:
                    self._walk(n[2], p + [2], cb)
                if n[3]:
                    self._walk(n[3], p + [3], cb)
            elif n[0] == "while":
                self._walk(n[2], p + [2], cb)
            elif n[0] == "ctx" and n[4]:
                self._walk(n[4], p + [4], cb)
            cb(p)

    @staticmethod
    def _get_list(case, fi, ii, j, path):
        lst = case["files"][fi]["items"][ii]["fields"][j][1]
        for k in range(0, len(path) - 1, 2):
            node = lst[path[k]]
            lst = node[path[k + 1]]
        return lst

    def pass_actions(self):
        # remove single nodes (deepest first, as produced by _walk)
        changed = True
        while changed and not self.out_of_budget():
            changed = False
            for fi, ii, j, path in reversed(self.action_paths()):
                def rm(c, fi=fi, ii=ii, j=j, path=path):
                    lst = self._get_list(c, fi, ii, j, path)
                    if len(lst) <= 1 and len(path) == 1:
                        return False
                    del lst[path[-1]]
                if self.try_replace(rm, "dropped action"):
                    changed = True
                    break
                # replace compound by its contents / simpler form
                def flat(c, fi=fi, ii=ii, j=j, path=path):
                    lst = self._get_list(c, fi, ii, j, path)
                    n = lst[path[-1]]
                    if n[0] == "if":
                        lst[path[-1]:path[-1] + 1] = (n[2] or []) + (n[3] or [])
                    elif n[0] == "while":
                        lst[path[-1]:path[-1] + 1] = n[2]
                    elif n[0] == "ctx":
                        lst[path[-1]] = ["s", "%s %s %s" % (n[1], n[2], n[3])]
                    else:
                        return False
                if self.try_replace(flat, "flattened action"):
                    changed = True
                    break

    def pass_texts(self):
        """Shorten simple-action texts and other string fields word by word."""
        for fi, ii, j, path in self.action_paths():
            def get(c, fi=fi, ii=ii, j=j, path=path):
                return self._get_list(c, fi, ii, j, path)[path[-1]]
            try:
                node = get(self.case)
            except (IndexError, KeyError, TypeError):
                continue
            if node[0] != "s":
                continue
            words = node[1].split(" ")
            if len(words) <= 2:
                continue
            # keep the keyword (and file/var operand), try dropping later words
            k = len(words) - 1
            while k >= 2 and not self.out_of_budget():
                def m(c, k=k, get=get):
                    n = get(c)
                    w = n[1].split(" ")
                    if k >= len(w):
                        return False
                    del w[k]
                    n[1] = " ".join(w)
                self.try_replace(m, "shortened action text")
                k -= 1
        for fi, ii, it in list(self.rules()):
            for j in range(len(it["fields"])):
                try:
                    key, val = self.case["files"][fi]["items"][ii]["fields"][j]
                except (IndexError, KeyError):
                    break
                if key.startswith(("desc", "rem")) and isinstance(val, str) and val not in ("d",):
                    def m(c, fi=fi, ii=ii, j=j):
                        c["files"][fi]["items"][ii]["fields"][j][1] = "d"
                    if not self.try_replace(m, "desc -> d"):
                        words = val.split(" ")
                        k = len(words) - 1
                        while k >= 0 and len(words) > 1 and not self.out_of_budget():
                            def m2(c, fi=fi, ii=ii, j=j, k=k):
                                w = c["files"][fi]["items"][ii]["fields"][j][1].split(" ")
                                if k >= len(w) or len(w) <= 1:
                                    return False
                                del w[k]
                                c["files"][fi]["items"][ii]["fields"][j][1] = " ".join(w)
                            self.try_replace(m2, "shortened desc")
                            k -= 1

    def pass_patterns(self):
        for fi, ii, it in list(self.rules()):
            for j in range(len(it["fields"])):
                try:
                    key, val = self.case["files"][fi]["items"][ii]["fields"][j]
                except (IndexError, KeyError):
                    break
                if not (key.startswith("pattern") or key in ("egpattern", "context") or key.startswith("context")):
                    continue
                if not isinstance(val, str):
                    continue
                toks = regex_tokens(val)
                if len(toks) <= 1:
                    continue
                # ddmin over tokens
                n = 2
                while len(toks) > 1 and not self.out_of_budget():
                    chunk = max(1, len(toks) // n)
                    removed = False
                    i = 0
                    while i < len(toks) and not self.out_of_budget():
                        cand_toks = toks[:i] + toks[i + chunk:]
                        if not cand_toks:
                            i += chunk
                            continue
                        def m(c, fi=fi, ii=ii, j=j, s="".join(cand_toks)):
                            c["files"][fi]["items"][ii]["fields"][j][1] = s
                        if self.try_replace(m, "simplified %s" % key):
                            toks = cand_toks
                            removed = True
                        else:
                            i += chunk
                    if not removed:
                        if chunk == 1:
                            break
                        n = min(len(toks), n * 2)

    def pass_ptypes(self):
        """Replace (ptypeX, patternX) by simpler pattern types."""
        words = []
        for l in self.case["input"]:
            for w in l.split(" "):
                if w and w not in words and "\\" not in w:
                    words.append(w)
        for fi, ii, it in list(self.rules()):
            keys = [k for k, _ in it["fields"] if k.startswith("ptype")]
            for pk in keys:
                suffix = pk[5:]
                cands = [("TValue", "TRUE"), ("TValue", "FALSE")]
                cands += [("SubStr", w) for w in words[:3]]
                cur = dict((k, v) for k, v in it["fields"]).get(pk, "")
                m_ = re.match(r"(?i)(n?regexp|n?substr)0*(\d+)$", cur)
                if m_:
                    cands.insert(0, (m_.group(1), None))
                for pt, pat in cands:
                    def m(c, fi=fi, ii=ii, pk=pk, suffix=suffix, pt=pt, pat=pat):
                        fields = c["files"][fi]["items"][ii]["fields"]
                        for kv in fields:
                            if kv[0] == pk:
                                kv[1] = pt
                            elif kv[0] == "pattern" + suffix and pat is not None:
                                kv[1] = pat
                        if pat is not None:
                            fields[:] = [kv for kv in fields if kv[0] != "varmap" + suffix]
                    if self.try_replace(m, "simpler %s %s" % (pk, pt)):
                        break

    def pass_input_words(self):
        for li in range(len(self.case["input"])):
            if li >= len(self.case["input"]):
                break
            words = self.case["input"][li].split(" ")
            k = len(words) - 1
            while k >= 0 and len(words) > 1 and not self.out_of_budget():
                def m(c, li=li, k=k):
                    w = c["input"][li].split(" ")
                    if k >= len(w) or len(w) <= 1:
                        return False
                    del w[k]
                    c["input"][li] = " ".join(w)
                self.try_replace(m, "shortened input line")
                k -= 1
                words = self.case["input"][li].split(" ")

    def run(self):
        if not self.test(self.case):
            return None
        rounds = 0
        while rounds < 4 and not self.out_of_budget():
            before = model.case_size(self.case)
            self.pass_files()
            self.pass_items()
            self.pass_input()
            self.pass_args()
            self.pass_fields()
            self.pass_actions()
            self.pass_items()
            self.pass_input()
            after = model.case_size(self.case)
            rounds += 1
            if after == before:
                break
        self.pass_ptypes()
        self.pass_texts()
        self.pass_patterns()
        self.pass_input_words()
        self.pass_fields()
        self.pass_input()
        self.pass_items()
        return self.case


_TOK_RE = re.compile(r"\\x\{[^}]*\}|\\x[0-9A-Fa-f]{1,2}|\\[oNpPgk]\{[^}]*\}|\\k<\w+>|\\[pP][A-Za-z]|"
                     r"\\c.|\\0[0-7]{0,2}|\\[1-9]\d*|\\g-?\d+|\\.|\[\[:[^\]]*:\]\]|\[(?:\\.|[^\]\\])+\]|"
                     r"\(\?[<'P]?[^()]*?[>':]|\(\?[a-z^-]*\)|[*+?]\+|\{\d*,?\d*\}[+?]?|.", re.S)


def regex_tokens(s):
    return _TOK_RE.findall(s)


# ---------------------------------------------------------------------------
# saving

def describe(sec, ours, kinds):
    def first_diff(a, b):
        al, bl = a.split(b"\n"), b.split(b"\n")
        for i in range(max(len(al), len(bl))):
            x = al[i] if i < len(al) else None
            y = bl[i] if i < len(bl) else None
            if x != y:
                return i, x, y
        return None
    parts = []
    d = first_diff(sec.stdout, ours.stdout)
    if d:
        i, x, y = d
        show = lambda v: "<none>" if v is None else v.decode("utf-8", "replace")[:80]
        parts.append("stdout line %d: SEC %r, sec-ts %r" % (i + 1, show(x), show(y)))
    for f, b in sorted(sec.files.items()):
        if ours.files.get(f) != b:
            parts.append("file %s differs" % f)
    if sec.loaded != ours.loaded:
        parts.append("rules loaded SEC %s vs sec-ts %s" % (sec.loaded, ours.loaded))
    return "; ".join(parts)


def auto_name(case, kinds):
    types = []
    for f in case["files"]:
        for it in f["items"]:
            if it["kind"] == "rule":
                t = dict((k, v) for k, v in it["fields"]).get("type", "rule").lower()
                if t not in types:
                    types.append(t)
    n = "-".join(t.replace("singlewith", "sw")[:10] for t in types[:2]) or "case"
    return n + "-" + "-".join(sorted(k for k in kinds if k != "rc"))[:20]


def run_case(dirs, cmd, record=False, env=None):
    argv = [sys.executable, RUN_CASE] + (["--record"] if record else []) + list(dirs) + ["--"] + list(cmd)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def save_case(case, seed, out_root, name, sec, ours, kinds, note=""):
    folder = os.path.join(out_root, "f-%s-%s" % (seed, name))
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    c2 = copy.deepcopy(case)
    model.write_case_dir(c2, folder, with_json=False)
    # expected-files: files SEC wrote (only when a file is part of the difference
    # or SEC wrote any)
    if sec.files:
        ef = os.path.join(folder, "expected-files")
        os.makedirs(ef)
        for f, b in sec.files.items():
            os.makedirs(os.path.dirname(os.path.join(ef, f)) or ef, exist_ok=True)
            with open(os.path.join(ef, f), "wb") as fh:
                fh.write(b)
    with open(os.path.join(folder, "ours"), "wb") as fh:
        fh.write(ours.stdout)
    about = "difffuzz seed %s: %s" % (seed, describe(sec, ours, kinds))
    if note:
        about += " (%s)" % note
    with open(os.path.join(folder, "about"), "w", encoding="utf-8") as fh:
        fh.write(about.replace("\n", " ") + "\n")
    # record expected from SEC with run-case
    rc, out = run_case([folder], harness.SEC_CMD, record=True)
    # verify: SEC passes twice, sec-ts fails
    ok1, out1 = run_case([folder], harness.SEC_CMD)
    ok2, out2 = run_case([folder], harness.SEC_CMD)
    env = dict(os.environ)
    env["SECTS_ROOT"] = harness.SECTS_ROOT
    rc3, out3 = run_case([folder], harness.SECTS_CMD, env=env)
    check = {"sec_pass_1": ok1 == 0, "sec_pass_2": ok2 == 0, "ours_fails": rc3 != 0}
    os.makedirs(WORK_JSON_DIR, exist_ok=True)
    with open(os.path.join(WORK_JSON_DIR, os.path.basename(folder) + ".json"), "w") as fh:
        json.dump({"case": case, "check": check, "about": about}, fh, indent=1)
    return folder, check


def minimize_and_save(case, seed, verdict, out_root, name=None, quiet=True):
    kinds = set(verdict.kinds) - {"rc"} or set(verdict.kinds)
    m = Minimizer(case, kinds, quiet=quiet)
    small = m.run()
    if small is None:
        raise RuntimeError("difference not reproducible under the minimizer predicate")
    sec, ours = m.last
    # final determinism check with more hash seeds
    v = harness.evaluate(small)
    note = ""
    if v.status != "diff" and v.status != "ours-timeout":
        note = "final check: %s %s" % (v.status, v.note)
    nm = name or auto_name(small, kinds)
    folder, check = save_case(small, seed, out_root, nm, v.sec or sec, v.ours or ours, kinds, note)
    if not quiet:
        print("  minimized in %d tests, %.0fs; check %s" % (m.tests, time.time() - m.t0, check))
    else:
        print("  saved %s (%d tests, %.0fs) check=%s %s" % (folder, m.tests, time.time() - m.t0, check, note), flush=True)
    return folder
