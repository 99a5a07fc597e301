#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/NAME/).

The records follow common/wire.h; run again after changing the wire format.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def hdr(typ, ts=123456789, cpu=1, lost=0):
    return struct.pack('<IIQQ', typ, cpu, ts, lost)


def fixed(s, n):
    return s.ljust(n, b'\0')[:n]


def exec_rec(filename, args, arg0=b'', flags=0, ret=0, argc=None, skip=0, tty=b'pts9',
             total=None, lost=0):
    raw = b''.join(a + b'\0' for a in args)
    if arg0:
        flags |= 2
    body = struct.pack('<16I', 100, 101, 1, 1000, 1000, ret & 0xffffffff, 59, flags,
                       len(args) if argc is None else argc, skip, len(filename), len(arg0),
                       len(raw), len(raw) if total is None else total, (136 << 20) | 9, 0)
    return (hdr(1, lost=lost) + body + fixed(b'bash', 16) + fixed(tty, 32) + filename + arg0
            + raw)


def exit_rec(code=0):
    usage = struct.pack('<8Q', 300000000, 100000000, 410000000, 153600, 4 << 20, 8 << 20, 3, 40)
    return (hdr(2) + struct.pack('<IIiIQ', 100, 1, code, 1, 1000) + fixed(b'sleep', 16)
            + usage)


def fork_rec():
    return hdr(3) + struct.pack('<IIIIQ', 101, 100, 100, 0, 2000) + fixed(b'make', 16)


def signal_rec(sig=15, code=0, flags=1 | 8):
    return (hdr(4) + struct.pack('<iiIIIIII', sig, code, 0, flags, 1, 1, 100, 100)
            + fixed(b'kill', 16) + fixed(b'sleep\n\x1b[31m', 16))


def stop_rec(exe=b'/usr/bin/parse', filename=b'./parse', args=(b'./parse', b'--strict\n'),
             err=0):
    raw = b''.join(a + b'\0' for a in args)
    body = struct.pack('<5IiI5I2Q', 100, 100, 1, 1000, 0, err, 0, len(exe), 0, len(filename),
                       min(len(raw), 4096), len(raw), 5, 6)
    data = fixed(exe, 4096) + fixed(filename, 4096) + fixed(raw, 4096)
    return hdr(5) + body + fixed(b'parse', 16) + data


def records():
    yield 'exec-simple', exec_rec(b'/bin/ls', [b'ls', b'-l', b'/tmp'])
    yield 'exec-nasty', exec_rec(b'/bin/e\xff\ncho', [b'a b', b'"q"', b'\x1b]0;x\x07',
                                                      b'\xc3\xa9\xe2\x80\xae', b''])
    yield 'exec-failed', exec_rec(b'/nonexistent', [b'x'], ret=-2, flags=4)
    yield 'exec-script', exec_rec(b'./s.sh', [b'/bin/sh', b'./s.sh', b'arg'], arg0=b's.sh',
                                  skip=1, flags=1)
    yield 'exec-cut', exec_rec(b'/bin/echo', [b'echo', b'abc'], total=4096, argc=900,
                               flags=64, tty=b'', lost=7)
    yield 'exit', exit_rec(9)
    yield 'fork', fork_rec()
    yield 'signal', signal_rec()
    yield 'signal-kernel', signal_rec(sig=11, code=1, flags=2 | 4 | 8)
    yield 'stop', stop_rec()
    yield 'stop-refused', stop_rec(exe=b'/e\xff\x1b[31m', args=(b'x' * 5000,), err=-1)


def write(name, files):
    d = os.path.join(HERE, 'corpus', name)
    os.makedirs(d, exist_ok=True)
    for fname, data in files:
        with open(os.path.join(d, fname), 'wb') as f:
            f.write(data)


def main():
    recs = list(records())
    # fuzz_decode: one byte of --max-args first; fuzz_format: a double timestamp first.
    write('decode', [(n, b'\x40' + r) for n, r in recs] + [('short', b'\x40' + hdr(1)[:20])])
    write('format', [(n, struct.pack('<d', 1.25) + r) for n, r in recs] +
          [('nan-ts', struct.pack('<d', float('nan')) + recs[0][1])])
    write('escape', [('ascii', b'hello world'), ('quotes', b'it\'s "x" $HOME `id`'),
                     ('controls', b'a\nb\tc\rd\x1b[0m\x7f'),
                     ('utf8', '\u00e9\u202e\u2028\U0001f600'.encode()),
                     ('invalid', b'\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff'),
                     ('assign', b'A=b'), ('reserved', b'if')])
    write('ttyname', [(n, bytes([64]) + s) for n, s in
                      [('pts', b'/dev/pts/9'), ('pts-short', b'pts9'), ('tty', b'tty1'),
                       ('serial', b'ttyS0'), ('dotdot', b'/dev/../etc/passwd'),
                       ('rel', b'pts/12'), ('console', b'console')]])
    write('opts', [(n, b'\0'.join(a)) for n, a in
                   [('pid', [b'-p', b'1']), ('tty', [b'-t', b'pts/3', b'--json']),
                    ('launch', [b'-o', b'/tmp/x', b'--', b'ls', b'-l']),
                    ('limits', [b'--max-args', b'8', b'--ringbuf-size', b'4K', b'-p', b'2']),
                    ('events', [b'--events', b'exec,exit,fork,signal', b'--tree', b'-p', b'1']),
                    ('bad', [b'-p', b'12x']), ('help', [b'--help']),
                    ('version', [b'--version']), ('user', [b'-u', b'nobody', b'--', b'id'])]])
    # fuzz_compiledb: an even first byte, a database to load; odd, an exec's argv.
    write('compiledb', [(n, b'\0' + d) for n, d in
                        [('ours', b'[{"directory": "/w", "arguments": ["/usr/bin/gcc", "-c", '
                                  b'"a.c"], "file": "/w/a.c", "output": "/w/a.o"}]\n'),
                         ('cmake', b'[\n{\n  "directory": "/b",\n  "command": "/usr/bin/cc '
                                   b'-o x.o -c /s/x.c",\n  "file": "../s/x.c",\n  "output": '
                                   b'"x.o"\n}\n]\n'),
                         ('empty', b'  \n')]] +
          [(n, b'\1' + b'\0'.join(a)) for n, a in
           [('gcc', [b'/usr/bin/gcc', b'-O2', b'-c', b'a.c', b'-o', b'a.o', b'-DX="y z"']),
            ('ccache', [b'/usr/bin/ccache', b'g++', b'-x', b'c++', b't.tpl', b'-c',
                        b'--output=t.o']),
            ('preprocess', [b'/usr/bin/clang', b'-E', b'a.c']),
            ('invalid', [b'/usr/bin/cc', b'-c', b'\xff.c', b'\xfe.c'])]])
    return 0


if __name__ == '__main__':
    sys.exit(main())
