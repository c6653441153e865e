"""Ordinary non-crypto files: no algorithm may be claimed on them.

- compiled Python bytecode: py_compile (checked-hash .pyc, so the bytes do not
  depend on mtimes) of modules of the Python standard library that talk
  about crypto (hashlib, hmac, secrets, ssl, base64) and some that do not;
- gzip'd man pages as Debian packages install them (package and version
  recorded), several about crypto tools;
- PNG and JPEG images made with Pillow (gradients, text-like strokes, noise);
- gettext .mo catalogues: msgfmt of our own .po files and a few from Debian
  packages;
- text: prose (one paragraph names PQC schemes), CSV, JSON, INI, C source,
  logs, a shell script;
- compressed data: gzip/xz/bzip2/zstd/zip of text and of random-looking bytes.
"""

import glob
import io
import os
import py_compile
import random
import subprocess
import sys
import sysconfig
import zipfile

from common import emit, read, run, tool_version, wpath


def deb(path):
    pkg = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout.split(":")[0]
    ver = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True).stdout if pkg else ""
    return f"Debian {pkg} {ver}".strip() if pkg else "?"


TEXT = {
    "notes.txt": """Meeting notes, 14 March

Attendees: the storage team and two people from operations.

1. The backup window moves from 02:00 to 03:30 so that the nightly report
   finishes first. Nobody objected.
2. Disk usage on the build hosts grew by 11% last month; most of it is old
   container layers. We will prune anything older than 30 days.
3. Next review in April. Bring numbers, not impressions.
""",
    "pqc-migration.txt": """Post-quantum migration plan (draft)

Inventory every place that uses RSA-2048, ECDSA P-256 or X25519, then plan
the move to ML-KEM-768 for key establishment (hybrid X25519MLKEM768 in TLS
first) and to ML-DSA-65 or SLH-DSA-SHA2-128s for signatures. Falcon-512 is
on hold until FN-DSA is final. This document holds no key, certificate or
signature: it only names algorithms.
""",
    "inventory.csv": "id,name,quantity,price\n" + "".join(f"{i},item {i:03d},{(i * 37) % 101},{(i * 7919) % 1000 / 10:.2f}\n" for i in range(1, 120)),
    "config.json": '{\n  "name": "example-service",\n  "listen": "0.0.0.0:8080",\n  "workers": 4,\n  "tls": {"enabled": true, "min_version": "1.2",\n          "cert_file": "/etc/example/cert.pem", "key_file": "/etc/example/key.pem"},\n  "log": {"level": "info", "format": "json"}\n}\n',
    "settings.ini": "[general]\nname = example\ntimeout = 30\n\n[database]\nhost = db.example.invalid\nport = 5432\nuser = app\n\n[cache]\nsize_mb = 256\nttl_s = 600\n",
    "main.c": '#include <stdio.h>\n#include <string.h>\n\nstatic int count_words(const char *s) {\n    int n = 0, in = 0;\n    for (; *s; s++) {\n        if (*s == \' \' || *s == \'\\n\') in = 0;\n        else if (!in) { in = 1; n++; }\n    }\n    return n;\n}\n\nint main(int argc, char **argv) {\n    for (int i = 1; i < argc; i++)\n        printf("%s: %d\\n", argv[i], count_words(argv[i]));\n    return 0;\n}\n',
    "app.log": "".join(f"2026-01-0{1 + i % 9}T{i % 24:02d}:{(i * 7) % 60:02d}:{(i * 13) % 60:02d}Z INFO request id={i:06d} path=/api/v1/items/{i % 50} status={[200, 200, 200, 404, 500][i % 5]} ms={(i * 31) % 250}\n" for i in range(300)),
    "deploy.sh": "#!/bin/sh\nset -eu\n# copies the build to the web root and restarts the service\nrsync -a --delete build/ /srv/www/\nsystemctl restart example.service\necho done\n",
    "lorem.md": "# Title\n\n" + " ".join(["Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."] * 40) + "\n",
}

PO = {
    "de": [("Open file", "Datei öffnen"), ("Save", "Speichern"), ("Quit", "Beenden"), ("Settings", "Einstellungen")],
    "fr": [("Open file", "Ouvrir le fichier"), ("Save", "Enregistrer"), ("Quit", "Quitter"), ("Settings", "Paramètres")],
    "es": [("Open file", "Abrir archivo"), ("Save", "Guardar"), ("Quit", "Salir"), ("Settings", "Ajustes")],
    "pl": [("Open file", "Otwórz plik"), ("Save", "Zapisz"), ("Quit", "Zakończ"), ("Settings", "Ustawienia")],
}


def pyc():
    stdlib = sysconfig.get_paths()["stdlib"]
    made = f"Python {sys.version.split()[0]} py_compile (checked-hash) of the standard library's"
    for mod in ("hashlib", "hmac", "secrets", "ssl", "base64", "json/decoder", "textwrap", "string", "uuid", "csv"):
        src = os.path.join(stdlib, mod + ".py")
        out = wpath(mod.replace("/", "_") + ".pyc")
        py_compile.compile(src, cfile=out, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        emit("confuser", f"confusers/pyc/{mod.replace('/', '_')}.cpython.pyc", read(out), f"{made} {mod}.py")


def man_pages():
    for p in ["/usr/share/man/man1/openssl-ca.1ssl.gz", "/usr/share/man/man1/openssl-genpkey.1ssl.gz",
              "/usr/share/man/man1/ssh-keygen.1.gz", "/usr/share/man/man1/certtool.1.gz", "/usr/share/man/man1/age.1.gz",
              "/usr/share/man/man1/dropbearkey.1.gz", "/usr/share/man/man1/puttygen.1.gz", "/usr/share/man/man1/sq.1.gz",
              "/usr/share/man/man1/ls.1.gz", "/usr/share/man/man1/gzip.1.gz", "/usr/share/man/man1/tar.1.gz",
              "/usr/share/man/man1/grep.1.gz"]:
        with open(p, "rb") as f:
            emit("confuser", f"confusers/man/{os.path.basename(p)}", f.read(), f"{deb(p)}: {p}")


def images():
    from PIL import Image, ImageDraw
    import PIL
    made = f"Pillow {PIL.__version__}"
    rng = random.Random(20260101)

    def gradient(w, h):
        im = Image.new("RGB", (w, h))
        im.putdata([((x * 255) // w, (y * 255) // h, ((x + y) * 255) // (w + h)) for y in range(h) for x in range(w)])
        return im

    def strokes(w, h):
        im = Image.new("RGB", (w, h), "white")
        d = ImageDraw.Draw(im)
        for i in range(40):
            d.line([(rng.randrange(w), rng.randrange(h)), (rng.randrange(w), rng.randrange(h))],
                   fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)), width=rng.randrange(1, 5))
        d.rectangle([10, 10, w // 3, h // 4], outline="black")
        return im

    def noise(w, h, mode="L"):
        n = w * h * (3 if mode == "RGB" else 1)
        return Image.frombytes(mode, (w, h), bytes(rng.randrange(256) for _ in range(n)))

    pics = {"gradient-rgb": gradient(160, 120), "strokes": strokes(200, 150), "noise-gray": noise(64, 64),
            "noise-rgb": noise(48, 40, "RGB"), "tiny": Image.new("RGB", (1, 1), (200, 30, 30))}
    for name, im in pics.items():
        b = io.BytesIO()
        im.save(b, "PNG", optimize=False)
        emit("confuser", f"confusers/images/{name}.png", b.getvalue(), f"{made}: Image.save(PNG)")
    b = io.BytesIO()
    pics["strokes"].convert("P", palette=Image.ADAPTIVE, colors=16).save(b, "PNG")
    emit("confuser", "confusers/images/strokes-palette.png", b.getvalue(), f"{made}: Image.save(PNG), 16-colour palette")
    b = io.BytesIO()
    pics["gradient-rgb"].convert("RGBA").save(b, "PNG")
    emit("confuser", "confusers/images/gradient-rgba.png", b.getvalue(), f"{made}: Image.save(PNG), RGBA")
    for name, q, extra in [("gradient-rgb", 90, {}), ("strokes", 75, {}), ("noise-rgb", 95, {}), ("strokes", 60, {"progressive": True}),
                           ("gradient-rgb", 30, {"optimize": True}), ("noise-gray", 85, {})]:
        b = io.BytesIO()
        pics[name].save(b, "JPEG", quality=q, **extra)
        tag = f"{name}-q{q}" + ("-progressive" if extra.get("progressive") else "")
        emit("confuser", f"confusers/images/{tag}.jpg", b.getvalue(), f"{made}: Image.save(JPEG, quality={q} {extra or ''})")


def catalogues():
    made = tool_version(["msgfmt", "--version"])
    for lang, pairs in PO.items():
        po = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n\n'
        po += "".join(f'msgid "{a}"\nmsgstr "{b}"\n\n' for a, b in pairs)
        with open(wpath(f"{lang}.po"), "w") as f:
            f.write(po)
        run(["msgfmt", "-o", f"{lang}.mo", f"{lang}.po"])
        emit("confuser", f"confusers/mo/example-{lang}.mo", read(f"{lang}.mo"), f"{made}: msgfmt of a 4-message catalogue")
    for p in ["/usr/share/locale/pl/LC_MESSAGES/whois.mo", "/usr/share/locale/pl/LC_MESSAGES/gettext-runtime.mo",
              "/usr/share/locale/pl/LC_MESSAGES/man-db-gnulib.mo", "/usr/share/locale/sc/LC_MESSAGES/iso_4217.mo"]:
        if os.path.exists(p):
            with open(p, "rb") as f:
                emit("confuser", f"confusers/mo/{p.split('/')[4]}-{os.path.basename(p)}", f.read(), f"{deb(p)}: {p}")


def texts():
    for name, body in TEXT.items():
        emit("confuser", f"confusers/text/{name}", body, "written for the corpus (plain text)")


def compressed():
    rng = random.Random(424242)
    randomish = bytes(rng.randrange(256) for _ in range(3000))
    prose = (TEXT["notes.txt"] + TEXT["lorem.md"] + TEXT["app.log"]).encode()
    with open(wpath("prose.txt"), "wb") as f:
        f.write(prose)
    with open(wpath("random.bin"), "wb") as f:
        f.write(randomish)
    for tool, args, ext in [("gzip", ["-n", "-9", "-c"], "gz"), ("xz", ["-c", "-6"], "xz"), ("bzip2", ["-c", "-9"], "bz2"),
                            ("zstd", ["-q", "-c", "-19"], "zst")]:
        v = tool_version([tool, "--version"])
        emit("confuser", f"confusers/compressed/prose.txt.{ext}", run([tool, *args, "prose.txt"]), f"{v}: {tool} {' '.join(args)} <text>")
        emit("confuser", f"confusers/compressed/random.bin.{ext}", run([tool, *args, "random.bin"]),
             f"{v}: {tool} {' '.join(args)} <3000 pseudo-random bytes> (random-looking compressed data)")
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("notes.txt", "config.json", "main.c"):
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, TEXT[name])
    emit("confuser", "confusers/compressed/texts.zip", b.getvalue(), f"Python {sys.version.split()[0]} zipfile (deflate)")
    v = tool_version(["tar", "--version"])
    run(["tar", "--sort=name", "--mtime=2026-01-01", "--owner=0", "--group=0", "--numeric-owner", "-czf", "prose.tar.gz",
         "prose.txt", "random.bin"], env={"GZIP": "-n"})
    emit("confuser", "confusers/compressed/prose-and-random.tar.gz", read("prose.tar.gz"), f"{v}: tar -czf")


def generate():
    pyc()
    man_pages()
    images()
    catalogues()
    texts()
    compressed()
