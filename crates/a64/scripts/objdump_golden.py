#!/usr/bin/env python3
"""Golden disassembly from GNU objdump, for crates/a64/src/disasm_tests.rs.

    objdump_golden.py WORD[@PC]...      print `check(...)` / `check_at(...)` lines for the words
    objdump_golden.py --check FILE      verify every check/check_at string of FILE against objdump

WORD and PC are hexadecimal. The text is normalized as the module docs of src/disasm.rs describe:
one space instead of the tab after the mnemonic, no `// ...` comment, no `<symbol>`, no trailing
blanks. Needs `aarch64-linux-gnu-objdump` (binutils-aarch64-linux-gnu) on PATH, or $A64_OBJDUMP.
"""

import os
import re
import struct
import subprocess
import sys
import tempfile

OBJDUMP = os.environ.get("A64_OBJDUMP", "aarch64-linux-gnu-objdump")
LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$")
CASE = re.compile(
    r'\b(check|check_at)\(\s*0x([0-9a-fA-F_]+),\s*(?:(0x[0-9a-fA-F_]+|\d+),\s*)?"((?:[^"\\]|\\.)*)",?\s*\)'
)


def normalize(text):
    text = text.split("//")[0]
    text = re.sub(r" <[^>]*>", "", text)
    return text.replace("\t", " ").rstrip()


def objdump(word, pc):
    """objdump's normalized text for `word` fetched from `pc`."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "w.bin")
        with open(path, "wb") as f:
            f.write(struct.pack("<I", word))
        out = subprocess.run(
            [OBJDUMP, "-D", "-z", "-b", "binary", "-m", "aarch64", f"--adjust-vma={pc:#x}", path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    for line in out.splitlines():
        m = LINE.match(line)
        if m and int(m.group(2), 16) == word:
            return normalize(m.group(3))
    raise RuntimeError(f"no disassembly of {word:#010x} in:\n{out}")


def rust_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_file(path):
    src = open(path, encoding="utf-8").read()
    bad = 0
    cases = CASE.findall(src)
    for kind, word, pc, text in cases:
        word = int(word.replace("_", ""), 16)
        pc = int(pc.replace("_", ""), 0) if pc else 0
        want = objdump(word, pc)
        if rust_str(want)[1:-1] != text:
            bad += 1
            print(f"{word:#010x} @ {pc:#x}: file says \"{text}\", objdump {rust_str(want)}")
    print(f"{len(cases)} cases, {bad} differ from objdump")
    return 1 if bad or not cases else 0


def main(args):
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args[0] == "--check":
        return check_file(args[1])
    for arg in args:
        word, _, pc = arg.partition("@")
        word, pc = int(word, 16), int(pc, 16) if pc else 0
        text = rust_str(objdump(word, pc))
        if pc:
            print(f"check_at({word:#010x}, {pc:#x}, {text}),")
        else:
            print(f"check({word:#010x}, {text}),")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
