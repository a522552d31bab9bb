"""Known root causes of SEC / sec-ts differences, for attribution (dedupe).

Each root cause has
  id, title, kind ('bug' | 'limitation' | 'ambiguous'),
  detect(case)      -> True when the case contains the trigger (static check)
  neutralize(case)  -> True when it changed the case (removes the trigger
                       with as little other change as possible)

A diverging seed is attributed by neutralizing triggers and re-running: if
the difference disappears, the neutralized root causes explain it; if it
stays, the seed shows something new and is worth minimizing.
"""
import re

import model


def rules(case):
    for f in case["files"]:
        for it in f["items"]:
            if it["kind"] == "rule":
                yield f, it


def fields(it):
    return dict((k, v) for k, v in it["fields"])


def rtype(it):
    return str(fields(it).get("type", "")).lower()


def walk_actions(lst):
    for n in lst or []:
        yield n
        if n[0] == "if":
            yield from walk_actions(n[2])
            yield from walk_actions(n[3])
        elif n[0] == "while":
            yield from walk_actions(n[2])
        elif n[0] == "ctx":
            yield from walk_actions(n[4])


def remove_actions(lst, pred):
    """Remove nodes matching pred anywhere in lst; returns True if changed."""
    changed = False
    i = 0
    while i < len(lst):
        n = lst[i]
        if pred(n):
            del lst[i]
            changed = True
            continue
        if n[0] == "if":
            changed |= remove_actions(n[2] or [], pred)
            changed |= remove_actions(n[3] or [], pred)
        elif n[0] == "while":
            changed |= remove_actions(n[2], pred)
        elif n[0] == "ctx" and n[4]:
            changed |= remove_actions(n[4], pred)
        i += 1
    return changed


class RootCause:
    def __init__(self, id, title, kind, detect, neutralize):
        self.id = id
        self.title = title
        self.kind = kind
        self.detect = detect
        self.neutralize = neutralize


# -- egtoken without egpattern -------------------------------------------------

def _eg_tok_detect(case):
    for f, it in rules(case):
        if rtype(it).startswith("eventgroup"):
            ks = [k for k, _ in it["fields"]]
            if any(k.startswith("egtoken") for k in ks) and "egpattern" not in ks:
                return True
    return False


def _eg_tok_neutralize(case):
    ch = False
    for f, it in rules(case):
        if rtype(it).startswith("eventgroup"):
            ks = [k for k, _ in it["fields"]]
            if "egpattern" not in ks and any(k.startswith("egtoken") for k in ks):
                it["fields"] = [kv for kv in it["fields"] if not kv[0].startswith("egtoken")]
                ch = True
    return ch


# -- Perl regex constructs sec-ts does not translate ---------------------------

# sec-ts runs \K, conditionals and calls to other groups; only recursion stays refused
# (a call inside the group it calls, found by the translator: by the message in the log)
UNSUPPORTED_RE = re.compile(r"\(\?R\)|\(\?0\)")


def _pattern_values(it):
    for k, v in it["fields"]:
        if (k.startswith("pattern") or k == "egpattern") and isinstance(v, str):
            yield k, v


def _perlre_detect(case):
    for f, it in rules(case):
        for k, v in _pattern_values(it):
            if UNSUPPORTED_RE.search(v):
                return True
    return False


def _perlre_neutralize(case):
    ch = False
    for f in case["files"]:
        keep = []
        for it in f["items"]:
            if it["kind"] == "rule" and any(UNSUPPORTED_RE.search(v) for k, v in _pattern_values(it)):
                ch = True
                continue
            keep.append(it)
        f["items"] = keep
    return ch


# -- EventGroup init action that terminates its own operation -----------------

def _is_reset(n):
    return n[0] == "s" and n[1].lower().startswith("reset")


def _eg_init_reset_detect(case):
    for f, it in rules(case):
        if rtype(it).startswith("eventgroup"):
            for k, v in it["fields"]:
                if k == "init" and isinstance(v, list) and any(_is_reset(n) for n in walk_actions(v)):
                    return True
    return False


def _eg_init_reset_neutralize(case):
    ch = False
    for f, it in rules(case):
        if rtype(it).startswith("eventgroup"):
            for kv in it["fields"]:
                if kv[0] == "init" and isinstance(kv[1], list):
                    ch |= remove_actions(kv[1], _is_reset)
                    if not kv[1]:
                        kv[1] = [["s", "none"]]
    return ch


# -- add/prepend/fill/event...: SEC splits the text with split(/\n/) ------------

_SPLIT_ACT = re.compile(r"(?is)^(add|prepend|fill)\s+(\S+)(?:\s+(.*))?$")
_SPLIT_EV = re.compile(r"(?is)^(event(?:\s+\d+)?|tevent\s+\S+|cevent\s+\S+\s+\S+|rewrite\s+\S+)(?:\s+(.*))?$")


def _split_fix(n):
    if n[0] != "s":
        return False
    m = _SPLIT_ACT.match(n[1])
    if m:
        n[1] = "%s %s %s|" % (m.group(1), m.group(2), m.group(3) or "%s")
        return True
    m = _SPLIT_EV.match(n[1])
    if m:
        head = m.group(1)
        if head.lower().startswith("event") and m.group(2) is None and re.match(r"(?i)event\s+\d+$", head) is None:
            pass
        n[1] = "%s %s|" % (head, m.group(2) or "%s")
        return True
    return False


def _split_neutralize(case):
    ch = False
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if n[0] == "s" and not n[1].endswith("|"):
                        ch |= _split_fix(n)
    return ch


# -- %name directly followed by a match variable --------------------------------

_JOIN_RE = re.compile(r"(?<!%)%(\.?[A-Za-z]\w*)(?=\$(?:\d|\{\d|\+\{|:\{)|%(?:\d|\{\d|\+\{))")


def _join_detect(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if n[0] == "s" and _JOIN_RE.search(n[1]):
                        return True
    return False


def _join_neutralize(case):
    ch = False
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if n[0] == "s" and _JOIN_RE.search(n[1]):
                        n[1] = _JOIN_RE.sub(lambda m: "%{" + m.group(1) + "}", n[1])
                        ch = True
    return ch


# -- Pair: '%%' in the %-prefixed substitution round ------------------------------

_PCT_PT2 = re.compile(r"(?i)^(n?regexp\d*|cached)$")


def _pair_pct_fields(it):
    if rtype(it) not in ("pair", "pairwithwindow"):
        return []
    return [kv for kv in it["fields"] if kv[0] in ("desc2", "action2", "context2")]


def _pair_pct_detect(case):
    for f, it in rules(case):
        for k, v in _pair_pct_fields(it):
            txt = model.render_list(v) if isinstance(v, list) else v
            if "%%" in txt:
                return True
    return False


def _pair_pct_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in _pair_pct_fields(it):
            if isinstance(kv[1], list):
                for n in walk_actions(kv[1]):
                    if n[0] == "s" and "%%" in n[1]:
                        n[1] = n[1].replace("%%", "pc")
                        ch = True
            elif "%%" in kv[1]:
                kv[1] = kv[1].replace("%%", "pc")
                ch = True
    return ch


# -- --evstoresize: SEC creates the context even when the lines do not fit -------

def _evs_detect(case):
    return any(a.startswith("--evstoresize") for a in case.get("args", []))


def _evs_neutralize(case):
    if not _evs_detect(case):
        return False
    case["args"] = [a for a in case["args"] if not a.startswith("--evstoresize")]
    return True


# -- rewrite with a text of more lines than lnum ----------------------------------

_REWRITE_RE = re.compile(r"(?is)^rewrite\s+(\S+)(?:\s+(.*))?$")


def _rw_is_var(n):
    if n[0] != "s":
        return False
    m = _REWRITE_RE.match(n[1])
    return bool(m) and (m.group(2) is None or "$" in m.group(2) or "%" in m.group(2))


def _rw_detect(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list) and any(_rw_is_var(n) for n in walk_actions(v)):
                return True
    return False


def _rw_neutralize(case):
    ch = False
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if _rw_is_var(n):
                        m = _REWRITE_RE.match(n[1])
                        n[1] = "rewrite %s rw" % m.group(1)
                        ch = True
    return ch


# -- Perl regex: \x not followed by a hex digit is \x00 ---------------------------

_XNOHEX = re.compile(r"(?<!\\)((?:\\\\)*)\\x(?![0-9A-Fa-f{])")


def _xnohex_detect(case):
    for f, it in rules(case):
        for k, v in _pattern_values(it):
            if _XNOHEX.search(v):
                return True
    return False


def _xnohex_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in it["fields"]:
            if (kv[0].startswith("pattern") or kv[0] == "egpattern") and isinstance(kv[1], str) and _XNOHEX.search(kv[1]):
                kv[1] = _XNOHEX.sub(lambda m: m.group(1) + "\\x00", kv[1])
                ch = True
    return ch


# -- --intevents with --intcontexts: SEC's own internal events get no _INTERNAL_EVENT

def _intctx_on(case):
    return any(a == "--intcontexts" or (a.startswith("--input=") and a.count("=") >= 2) for a in case.get("args", []))


def _uses_intcontext_var(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            txt = model.render_list(v) if isinstance(v, list) else str(v)
            if "_intcontext" in txt:
                return True
    return False


def _intev_detect(case):
    return "--intevents" in case.get("args", []) and (_intctx_on(case) or _uses_intcontext_var(case))


def _intev_neutralize(case):
    if not _intev_detect(case):
        return False
    case["args"] = [a for a in case["args"] if a != "--intevents"]
    return True


# -- context expressions: SEC's postfix evaluator quirks ---------------------------

def _sec_ctx_parse(expr):
    """Parse like SEC's analyze_context: returns a tree or None."""
    subs = []
    out = []
    depth = 0
    start = None
    prev = ""
    for i, ch in enumerate(expr):
        if prev != "\\":
            if ch == "(":
                depth += 1
                if depth == 1:
                    start = i
                    prev = ch
                    continue
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    subs.append(expr[start + 1:i])
                    out.append("\x00%d\x00" % (len(subs) - 1))
                    prev = ch
                    continue
                if depth < 0:
                    return None
        if depth == 0:
            out.append(ch)
        prev = ch
    if depth != 0:
        return None
    flat = "".join(out)

    def rec(s):
        p = s.rfind("||")
        if p != -1:
            a, b = rec(s[:p]), rec(s[p + 2:])
            return None if a is None or b is None else ("or", a, b)
        p = s.rfind("&&")
        if p != -1:
            a, b = rec(s[:p]), rec(s[p + 2:])
            return None if a is None or b is None else ("and", a, b)
        t = s.strip()
        if t.startswith("!"):
            a = rec(t[1:])
            return None if a is None else ("not", a)
        m = re.fullmatch(r"\x00(\d+)\x00", t)
        if m:
            return _sec_ctx_parse(subs[int(m.group(1))])
        if not t or "\x00" in t:
            return None
        return ("op", t)
    return rec(flat)


def _render_ctx(tree):
    k = tree[0]
    if k == "op":
        return tree[1]
    if k == "not":
        return "!(" + _render_ctx(tree[1]) + ")"
    return "(%s) %s (%s)" % (_render_ctx(tree[1]), "||" if k == "or" else "&&", _render_ctx(tree[2]))


def _ctx_quirk_detect(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            if k.startswith("context") and isinstance(v, str):
                e = v.strip()
                if e.startswith("[") and e.endswith("]"):
                    e = e[1:-1]
                t = _sec_ctx_parse(e)
                if t is not None and _render_ctx(t) != e and ("&&" in e and "||" in e or "!" in e):
                    return True
    return False


def _ctx_quirk_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in it["fields"]:
            if kv[0].startswith("context") and isinstance(kv[1], str):
                e = kv[1].strip()
                br = e.startswith("[") and e.endswith("]")
                if br:
                    e = e[1:-1]
                t = _sec_ctx_parse(e)
                if t is None:
                    continue
                r = _render_ctx(t)
                if br:
                    r = "[" + r + "]"
                if r != kv[1]:
                    kv[1] = r
                    ch = True
    return ch


# -- sec-ts literal prefilter vs. top-level alternation after an escape -------------

_LITESC = re.compile(r"\\[0-9xoceNpPgkELUlu]")


def _top_level_bar(p):
    depth = 0
    cls = False
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if cls:
            if ch == "]":
                cls = False
        elif ch == "[":
            cls = True
            if p[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _litesc_pattern(k, v, fd):
    pt = str(fd.get("ptype" + k[7:], "")) if k.startswith("pattern") else str(fd.get("egptype", ""))
    return re.match(r"(?i)n?regexp", pt) and _LITESC.search(v) and _top_level_bar(v)


def _litesc_detect(case):
    for f, it in rules(case):
        fd = fields(it)
        for k, v in _pattern_values(it):
            if _litesc_pattern(k, v, fd):
                return True
    return False


def _litesc_neutralize(case):
    ch = False
    for f, it in rules(case):
        fd = fields(it)
        for kv in it["fields"]:
            k, v = kv
            if (k.startswith("pattern") or k == "egpattern") and isinstance(v, str) and _litesc_pattern(k, v, fd):
                kv[1] = "(?:" + v + ")"
                ch = True
    return ch


# -- report with a command right before exit (--nochildterm) -----------------------

_REPORT_CMD = re.compile(r"(?is)^report\s+(\S+)\s+\S.*$")


def _report_cmd_detect(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list) and any(n[0] == "s" and _REPORT_CMD.match(n[1]) for n in walk_actions(v)):
                return True
    return False


def _report_cmd_neutralize(case):
    ch = False
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if n[0] == "s" and _REPORT_CMD.match(n[1]):
                        n[1] = "report " + _REPORT_CMD.match(n[1]).group(1)
                        ch = True
    return ch


# -- tevent with a time that is not an unsigned integer at run time ---------------

_TEVENT = re.compile(r"(?is)^tevent\s+(\S+)(.*)$")


def _tevent_var(n):
    if n[0] != "s":
        return False
    m = _TEVENT.match(n[1])
    return bool(m) and not re.fullmatch(r"\d+", m.group(1))


def _tevent_neutralize(case):
    ch = False
    for f, it in rules(case):
        for k, v in it["fields"]:
            if isinstance(v, list):
                for n in walk_actions(v):
                    if _tevent_var(n):
                        m = _TEVENT.match(n[1])
                        n[1] = "tevent 0" + m.group(2)
                        ch = True
    return ch


# -- Jump into a file set that contains the jumping file ---------------------------

def _sets_of(case):
    """file name -> set of cfset names it joined (Options joincfset, last Options rule wins)."""
    out = {}
    for f in case["files"]:
        sets = set()
        for it in f["items"]:
            if it["kind"] == "rule" and rtype(it) == "options":
                sets = set(str(fields(it).get("joincfset", "")).split())
        out[f["name"]] = sets
    return out


def _jump_loops(case):
    sets = _sets_of(case)
    hits = []
    for f in case["files"]:
        for it in f["items"]:
            if it["kind"] == "rule" and rtype(it) == "jump":
                for kv in it["fields"]:
                    if kv[0] == "cfset" and set(str(kv[1]).split()) & sets.get(f["name"], set()):
                        hits.append((f, it, kv))
    return hits


def _jump_loop_neutralize(case):
    hits = _jump_loops(case)
    sets = _sets_of(case)
    for f, it, kv in hits:
        keep = [x for x in str(kv[1]).split() if x not in sets.get(f["name"], set())]
        if keep:
            kv[1] = " ".join(keep)
        else:
            it["fields"] = [x for x in it["fields"] if x[0] not in ("cfset", "constset")]
    return bool(hits)


# -- Pair: $:{entry:var} in desc2/action2 ------------------------------------------

def _pair_cache_fields(it):
    if rtype(it) not in ("pair", "pairwithwindow"):
        return []
    return [kv for kv in it["fields"] if kv[0] in ("desc2", "action2", "context2")]


def _has_cache_ref(v):
    txt = model.render_list(v) if isinstance(v, list) else str(v)
    return "$:{" in txt or "%:{" in txt


def _pair_cache_detect(case):
    return any(_has_cache_ref(v) for f, it in rules(case) for k, v in _pair_cache_fields(it))


def _pair_cache_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in _pair_cache_fields(it):
            if isinstance(kv[1], list):
                for n in walk_actions(kv[1]):
                    if n[0] == "s" and _has_cache_ref(n[1]):
                        n[1] = re.sub(r"[$%]:\{[^}]*\}", "cl", n[1])
                        ch = True
            elif _has_cache_ref(kv[1]):
                kv[1] = re.sub(r"[$%]:\{[^}]*\}", "cl", kv[1])
                ch = True
    return ch


# -- Pair: context2 in [brackets] --------------------------------------------------

def _pair_ctx2_pre(it):
    if rtype(it) not in ("pair", "pairwithwindow"):
        return []
    return [kv for kv in it["fields"] if kv[0] == "context2" and str(kv[1]).strip().startswith("[")]


def _pair_ctx2_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in _pair_ctx2_pre(it):
            kv[1] = kv[1].strip()[1:-1]
            ch = True
    return ch


# -- NUL bytes in rule files -------------------------------------------------------

def _nul_detect(case):
    for f, it in rules(case):
        for k, v in it["fields"]:
            txt = model.render_list(v) if isinstance(v, list) else str(v)
            if "\x00" in txt:
                return True
    return False


def _nul_neutralize(case):
    ch = False
    for f, it in rules(case):
        for kv in it["fields"]:
            if isinstance(kv[1], list):
                for n in walk_actions(kv[1]):
                    if n[0] == "s" and "\x00" in n[1]:
                        n[1] = n[1].replace("\x00", "")
                        ch = True
                    elif n[0] == "ctx" and "\x00" in n[2]:
                        n[2] = n[2].replace("\x00", "")
                        ch = True
            elif "\x00" in str(kv[1]):
                kv[1] = kv[1].replace("\x00", "")
                ch = True
    return ch


KNOWN = [
    RootCause("perl-regex-recursion",
              "Perl regex recursion ((?R), a call from inside the group it calls): JavaScript cannot "
              "recurse, sec-ts rejects the rule (deliberate, README 'Differences from SEC')",
              "limitation", _perlre_detect, _perlre_neutralize),
    RootCause("nul-in-rule-file",
              "a NUL byte in an action list of a rule file: SEC uses NUL internally as the placeholder for "
              "parenthesised parts, so the NUL is replaced by the next '(...)' of the list (SEC artefact); "
              "sec-ts keeps the byte",
              "ambiguous", _nul_detect, _nul_neutralize),
]

BY_ID = {rc.id: rc for rc in KNOWN}


def detected(case):
    return [rc.id for rc in KNOWN if rc.detect(case)]
