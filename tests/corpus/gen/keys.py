"""Private and public keys in every format the tools write: PKCS#1, SEC1,
PKCS#8 (plain and encrypted), traditional DSA, legacy encrypted PEM, SPKI,
OpenSSH private/public/certificates, RFC 4716, authorized_keys, known_hosts,
PuTTY .ppk, ssh.com, dropbear. Made by openssl, certtool, ssh-keygen,
puttygen, dropbearkey and pyca/cryptography."""

import os

from common import PASSWORD, det_bytes, emit, read, run, sh, tool_version, wpath

import cryptography
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, ed448, x25519, x448

OPENSSL = tool_version(["openssl", "version"])
CERTTOOL = tool_version(["certtool", "--version"])
SSHKEYGEN = tool_version(["ssh", "-V"])
PUTTYGEN = "puttygen " + tool_version(["puttygen", "--version"]).replace("puttygen: ", "")
DROPBEAR = "dropbearkey (dropbear-bin " + (os.popen("dpkg-query -W -f '${Version}' dropbear-bin 2>/dev/null").read() or "?") + ")"
PYCA = f"pyca/cryptography {cryptography.__version__}"

OSSL_KEYS = [
    ("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("rsa3072", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
    ("rsa4096", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
    ("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
    ("p256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("secp256k1", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("bp256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("bp512", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP512r1", "-pkeyopt", "ec_param_enc:named_curve"]),
    ("ed25519", ["-algorithm", "ED25519"]),
    ("ed448", ["-algorithm", "ED448"]),
    ("x25519", ["-algorithm", "X25519"]),
    ("x448", ["-algorithm", "X448"]),
    ("dsa1024", None),
    ("dsa2048", None),
    ("dsa3072", None),
]
TRADITIONAL = {"rsa": "PKCS#1", "p2": "SEC1", "p3": "SEC1", "p5": "SEC1", "se": "SEC1", "bp": "SEC1", "ds": "DSA"}


def openssl_keys():
    for name, args in OSSL_KEYS:
        if args is None:
            run(["openssl", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", f"dsa_paramgen_bits:{name[3:]}",
                 "-out", f"{name}.params"])
            run(["openssl", "genpkey", "-paramfile", f"{name}.params", "-out", f"{name}.key"])
            made = f"{OPENSSL}: openssl genpkey -genparam -algorithm DSA; openssl genpkey -paramfile"
        else:
            run(["openssl", "genpkey", *args, "-out", f"{name}.key"])
            made = f"{OPENSSL}: openssl genpkey {' '.join(args)}"
        d = "keys/openssl"
        emit("private_key", f"{d}/{name}.pkcs8.pem", read(f"{name}.key"), made)
        emit("private_key", f"{d}/{name}.pkcs8.der",
             run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", f"{name}.key", "-outform", "DER"]),
             made + "; openssl pkcs8 -topk8 -nocrypt -outform DER")
        pub = run(["openssl", "pkey", "-in", f"{name}.key", "-pubout"])
        emit("public_key", f"{d}/{name}.spki.pem", pub, made + "; openssl pkey -pubout")
        emit("public_key", f"{d}/{name}.spki.der", run(["openssl", "pkey", "-in", f"{name}.key", "-pubout", "-outform", "DER"]),
             made + "; openssl pkey -pubout -outform DER")
        kind = TRADITIONAL.get(name[:2])
        if kind:
            emit("private_key", f"{d}/{name}.traditional.pem", run(["openssl", "pkey", "-in", f"{name}.key", "-traditional"]),
                 made + "; openssl pkey -traditional")
            emit("private_key", f"{d}/{name}.traditional.der",
                 run(["openssl", "pkey", "-in", f"{name}.key", "-traditional", "-outform", "DER"]),
                 made + "; openssl pkey -traditional -outform DER")
        if name.startswith("rsa"):
            emit("public_key", f"{d}/{name}.pkcs1-public.pem", run(["openssl", "rsa", "-in", f"{name}.key", "-RSAPublicKey_out"]),
                 made + "; openssl rsa -RSAPublicKey_out")
            if name == "rsa2048":
                emit("public_key", f"{d}/{name}.pkcs1-public.der",
                     run(["openssl", "rsa", "-in", f"{name}.key", "-RSAPublicKey_out", "-outform", "DER"]),
                     made + "; openssl rsa -RSAPublicKey_out -outform DER")
    # encrypted PKCS#8 in several PBEs, PEM and DER
    for name, args, tag in [
        ("rsa2048", ["-v2", "aes-256-cbc"], "pbes2-aes256"),
        ("p256", ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"], "pbes2-aes128-sha512"),
        ("ed25519", ["-scrypt"], "scrypt"),
        ("rsa3072", ["-v1", "PBE-SHA1-3DES"], "pbe-sha1-3des"),
        ("dsa2048", ["-v2", "des3"], "pbes2-des3"),
        ("x25519", ["-v2", "aes-256-cbc", "-iter", "600000"], "pbes2-600k"),
    ]:
        for form in ("PEM", "DER"):
            out = run(["openssl", "pkcs8", "-topk8", "-in", f"{name}.key", *args, "-passout", f"pass:{PASSWORD}",
                       "-outform", form])
            emit("private_key", f"keys/openssl/{name}.enc-{tag}.pkcs8.{form.lower()}", out,
                 f"{OPENSSL}: openssl pkcs8 -topk8 {' '.join(args)} -outform {form}", password=PASSWORD)
    # legacy encrypted PEM (Proc-Type/DEK-Info)
    for name, tool, cipher in [("rsa2048", "rsa", "-aes256"), ("p384", "ec", "-aes128"), ("dsa1024", "dsa", "-des3"),
                               ("rsa4096", "rsa", "-camellia256")]:
        trad = ["-traditional"] if tool == "rsa" else []
        out = run(["openssl", tool, "-in", f"{name}.key", cipher, *trad, "-passout", f"pass:{PASSWORD}"])
        emit("private_key", f"keys/openssl/{name}.legacy-enc.pem", out,
             f"{OPENSSL}: openssl {tool} {cipher} {' '.join(trad)} (Proc-Type: 4,ENCRYPTED)", password=PASSWORD)
    # DH keys (PKCS#3 dhKeyAgreement and X9.42 dhpublicnumber)
    run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "dh.params"])
    run(["openssl", "genpkey", "-paramfile", "dh.params", "-out", "dh.key"])
    emit("private_key", "keys/openssl/dh-ffdhe2048.pkcs8.pem", read("dh.key"), f"{OPENSSL}: openssl genpkey -paramfile <ffdhe2048>")
    emit("public_key", "keys/openssl/dh-ffdhe2048.spki.pem", run(["openssl", "pkey", "-in", "dh.key", "-pubout"]),
         f"{OPENSSL}: openssl genpkey -paramfile <ffdhe2048>; openssl pkey -pubout")
    run(["openssl", "genpkey", "-genparam", "-algorithm", "DHX", "-pkeyopt", "dh_rfc5114:2", "-out", "dhx.params"])
    run(["openssl", "genpkey", "-paramfile", "dhx.params", "-out", "dhx.key"])
    emit("private_key", "keys/openssl/dhx-rfc5114-2.pkcs8.der",
         run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "dhx.key", "-outform", "DER"]),
         f"{OPENSSL}: openssl genpkey -paramfile <DHX RFC 5114 group 2>; openssl pkcs8 -topk8 -nocrypt -outform DER")
    emit("public_key", "keys/openssl/dhx-rfc5114-2.spki.pem", run(["openssl", "pkey", "-in", "dhx.key", "-pubout"]),
         f"{OPENSSL}: openssl genpkey -paramfile <DHX RFC 5114 group 2>; openssl pkey -pubout")


def certtool_keys():
    for name, args in [("rsa2048", ["--key-type", "rsa", "--bits", "2048"]),
                       ("p256", ["--key-type", "ecdsa", "--curve", "secp256r1"]),
                       ("p521", ["--key-type", "ecdsa", "--curve", "secp521r1"]),
                       ("ed25519", ["--key-type", "ed25519"]),
                       ("ed448", ["--key-type", "ed448"]),
                       ("dsa2048", ["--key-type", "dsa", "--bits", "2048"]),
                       ("rsa-pss", ["--key-type", "rsa-pss", "--bits", "2048"])]:
        run(["certtool", "--generate-privkey", *args, "--outfile", f"gt-{name}.key"])
        made = f"{CERTTOOL}: certtool --generate-privkey {' '.join(args)}"
        emit("private_key", f"keys/certtool/{name}.key.pem", read(f"gt-{name}.key"), made)
        run(["certtool", "--load-privkey", f"gt-{name}.key", "--pubkey-info", "--outfile", f"gt-{name}.pub"])
        emit("public_key", f"keys/certtool/{name}.pub.pem", read(f"gt-{name}.pub"), made + "; certtool --pubkey-info")
        if name in ("rsa2048", "p256"):
            run(["certtool", "--load-privkey", f"gt-{name}.key", "--to-p8", "--password", PASSWORD, "--outfile", f"gt-{name}.p8"])
            emit("private_key", f"keys/certtool/{name}.enc.pkcs8.pem", read(f"gt-{name}.p8"),
                 made + "; certtool --to-p8 --password", password=PASSWORD)
            run(["certtool", "--load-privkey", f"gt-{name}.key", "--to-p8", "--null-password", "--outder",
                 "--outfile", f"gt-{name}.p8.der"])
            emit("private_key", f"keys/certtool/{name}.null-password.enc.pkcs8.der", read(f"gt-{name}.p8.der"),
                 made + "; certtool --to-p8 --null-password --outder (PBES2 with an empty password)")


def ssh_keys():
    specs = [("rsa2048", ["-t", "rsa", "-b", "2048"]), ("rsa3072", ["-t", "rsa", "-b", "3072"]),
             ("rsa4096", ["-t", "rsa", "-b", "4096"]), ("ecdsa256", ["-t", "ecdsa", "-b", "256"]),
             ("ecdsa384", ["-t", "ecdsa", "-b", "384"]), ("ecdsa521", ["-t", "ecdsa", "-b", "521"]),
             ("ed25519", ["-t", "ed25519"]), ("dsa1024", ["-t", "dsa"])]
    pubs = {}
    d = "keys/ssh"
    for name, args in specs:
        c = f"fx-corpus-{name}@corpus.fx.invalid"
        run(["ssh-keygen", "-q", *args, "-N", "", "-C", c, "-f", f"ssh-{name}"])
        made = f"{SSHKEYGEN}: ssh-keygen {' '.join(args)}"
        emit("private_key", f"{d}/{name}.openssh", read(f"ssh-{name}"), made)
        emit("public_key", f"{d}/{name}.pub", read(f"ssh-{name}.pub"), made)
        pubs[name] = read(f"ssh-{name}.pub").decode()
        emit("public_key", f"{d}/{name}.rfc4716.pub", run(["ssh-keygen", "-e", "-f", f"ssh-{name}.pub"]),
             made + "; ssh-keygen -e (RFC 4716)")
        if name in ("rsa2048", "ecdsa384", "ed25519"):
            run(["ssh-keygen", "-q", *args, "-N", PASSWORD, "-C", c, "-f", f"ssh-{name}-enc"])
            emit("private_key", f"{d}/{name}-encrypted.openssh", read(f"ssh-{name}-enc"), made + " -N <passphrase>",
                 password=PASSWORD)
        if name in ("rsa2048", "ecdsa256", "dsa1024"):
            run(["ssh-keygen", "-q", *args, "-N", "", "-m", "PEM", "-C", c, "-f", f"ssh-{name}-pem"])
            emit("private_key", f"{d}/{name}.pem-format.key", read(f"ssh-{name}-pem"), made + " -m PEM")
            emit("public_key", f"{d}/{name}.pkcs8-export.pub", run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", f"ssh-{name}.pub"]),
                 made + "; ssh-keygen -e -m PKCS8")
        if name in ("rsa3072", "ecdsa521"):
            run(["ssh-keygen", "-q", *args, "-N", "", "-m", "PKCS8", "-C", c, "-f", f"ssh-{name}-p8"])
            emit("private_key", f"{d}/{name}.pkcs8-format.key", read(f"ssh-{name}-p8"), made + " -m PKCS8")
        if name == "rsa4096":
            emit("public_key", f"{d}/{name}.pem-export.pub", run(["ssh-keygen", "-e", "-m", "PEM", "-f", f"ssh-{name}.pub"]),
                 made + "; ssh-keygen -e -m PEM (PKCS#1 RSA public key)")
    # certificates: a user CA (Ed25519) and a host CA (RSA)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fx corpus user CA", "-f", "user_ca"])
    run(["ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "fx corpus host CA", "-f", "host_ca"])
    for name, ca, extra in [("ed25519", "user_ca", ["-n", "alice,bob", "-V", "20260101:20360101"]),
                            ("rsa2048", "user_ca", ["-n", "carol", "-O", "no-pty", "-V", "20260101:20360101"]),
                            ("ecdsa384", "host_ca", ["-h", "-n", "host.corpus.fx.invalid", "-V", "20260101:20360101"]),
                            ("ecdsa256", "host_ca", ["-h", "-n", "h2.corpus.fx.invalid", "-V", "20260101:20360101"])]:
        run(["ssh-keygen", "-q", "-s", ca, "-I", f"fx-corpus-{name}", "-z", "42", *extra, f"ssh-{name}.pub"])
        emit("public_key", f"{d}/{name}-cert.pub", read(f"ssh-{name}-cert.pub"),
             f"{SSHKEYGEN}: ssh-keygen -s <{ca}> -I … {' '.join(extra)}")
    # authorized_keys and known_hosts
    ak = (f'{pubs["ed25519"]}'
          f'from="192.0.2.0/24",no-pty,no-port-forwarding {pubs["rsa2048"]}'
          f'command="/usr/bin/true",restrict {pubs["ecdsa256"]}'
          f'# a comment line\n\n'
          f'cert-authority,principals="alice" {read("user_ca.pub").decode()}')
    emit("public_key", f"{d}/authorized_keys", ak, f"{SSHKEYGEN}: public keys of ssh-keygen, as authorized_keys lines with options")
    ak1 = f'no-agent-forwarding,environment="LANG=C" {pubs["ed25519"]}'
    emit("public_key", f"{d}/authorized_keys.single-ed25519", ak1, f"{SSHKEYGEN}: one authorized_keys line with options")
    kh = ""
    for i, (name, host) in enumerate([("ed25519", "git.corpus.fx.invalid"), ("rsa2048", "[ssh.corpus.fx.invalid]:2222"),
                                      ("ecdsa256", "192.0.2.10"), ("ecdsa384", "db.corpus.fx.invalid,198.51.100.7")]):
        parts = pubs[name].split()
        kh += f"{host} {parts[0]} {parts[1]}\n"
    kh_ca = f"@cert-authority *.corpus.fx.invalid {' '.join(read('host_ca.pub').decode().split()[:2])}\n"
    emit("public_key", f"{d}/known_hosts", kh + kh_ca, f"{SSHKEYGEN}: public keys of ssh-keygen as known_hosts lines")
    with open(wpath("known_hosts"), "w") as f:
        f.write(kh)
    run(["ssh-keygen", "-H", "-f", "known_hosts"])
    emit("public_key", f"{d}/known_hosts.hashed", read("known_hosts"), f"{SSHKEYGEN}: ssh-keygen -H (hashed host names)")
    kh1 = f"git.corpus.fx.invalid {' '.join(pubs['ed25519'].split()[:2])}\n"
    emit("public_key", f"{d}/known_hosts.single-ed25519", kh1, f"{SSHKEYGEN}: one known_hosts line")


def putty_keys():
    with open(wpath("pass.txt"), "w") as f:
        f.write(PASSWORD + "\n")
    with open(wpath("empty.txt"), "w") as f:
        f.write("")
    d = "keys/putty"
    for name, args in [("rsa2048", ["-t", "rsa", "-b", "2048"]), ("ecdsa256", ["-t", "ecdsa", "-b", "256"]),
                       ("ecdsa384", ["-t", "ecdsa", "-b", "384"]), ("ed25519", ["-t", "ed25519"]),
                       ("ed448", ["-t", "ed448"]), ("dsa2048", ["-t", "dsa", "-b", "2048"])]:
        made = f"{PUTTYGEN}: puttygen {' '.join(args)}"
        run(["puttygen", *args, "-q", "--random-device", "/dev/urandom", "-C", f"fx-corpus-{name}",
             "--new-passphrase", "empty.txt", "-o", f"pt-{name}.ppk"])
        emit("private_key", f"{d}/{name}.ppk", read(f"pt-{name}.ppk"), made + " (PPK v3)")
        run(["puttygen", f"pt-{name}.ppk", "-O", "public", "--old-passphrase", "empty.txt", "-o", f"pt-{name}.pub"])
        emit("public_key", f"{d}/{name}.rfc4716.pub", read(f"pt-{name}.pub"), made + "; puttygen -O public (RFC 4716)")
        if name in ("rsa2048", "ed25519"):
            run(["puttygen", *args, "-q", "--random-device", "/dev/urandom", "-C", f"fx-corpus-{name}-v2",
                 "--ppk-param", "version=2", "--new-passphrase", "empty.txt", "-o", f"pt-{name}-v2.ppk"])
            emit("private_key", f"{d}/{name}.v2.ppk", read(f"pt-{name}-v2.ppk"), made + " --ppk-param version=2")
            run(["puttygen", *args, "-q", "--random-device", "/dev/urandom", "-C", f"fx-corpus-{name}-enc",
                 "--new-passphrase", "pass.txt", "-o", f"pt-{name}-enc.ppk"])
            emit("private_key", f"{d}/{name}-encrypted.ppk", read(f"pt-{name}-enc.ppk"),
                 made + " --new-passphrase (PPK v3: Argon2id, AES-256-CBC)", password=PASSWORD)
        if name in ("rsa2048", "ecdsa384"):
            run(["puttygen", f"pt-{name}.ppk", "-O", "private-openssh", "--old-passphrase", "empty.txt", "--new-passphrase", "empty.txt", "-o", f"pt-{name}.openssh"])
            emit("private_key", f"{d}/{name}.export-openssh.key", read(f"pt-{name}.openssh"), made + "; puttygen -O private-openssh")
        if name in ("rsa2048", "dsa2048"):
            run(["puttygen", f"pt-{name}.ppk", "-O", "private-sshcom", "--old-passphrase", "empty.txt", "--new-passphrase", "empty.txt", "-o", f"pt-{name}.sshcom"])
            emit("private_key", f"{d}/{name}.sshcom.key", read(f"pt-{name}.sshcom"), made + "; puttygen -O private-sshcom")


def dropbear_keys():
    d = "keys/dropbear"
    for name, args in [("rsa2048", ["-t", "rsa", "-s", "2048"]), ("ecdsa256", ["-t", "ecdsa", "-s", "256"]),
                       ("ecdsa521", ["-t", "ecdsa", "-s", "521"]), ("ed25519", ["-t", "ed25519"])]:
        run(["dropbearkey", *args, "-f", f"db-{name}"])
        made = f"{DROPBEAR}: dropbearkey {' '.join(args)}"
        emit("private_key", f"{d}/dropbear_{name}_host_key", read(f"db-{name}"), made + " (dropbear format)")
        pub = [l for l in run(["dropbearkey", "-y", "-f", f"db-{name}"]).decode().splitlines() if l.startswith(("ssh-", "ecdsa-"))][0]
        pub = " ".join(pub.split()[:2]) + f" fx-corpus-dropbear-{name}\n"
        emit("public_key", f"{d}/dropbear_{name}.pub", pub, made + "; dropbearkey -y (public line)")
        if name in ("rsa2048", "ed25519"):
            run(["dropbearconvert", "dropbear", "openssh", f"db-{name}", f"db-{name}.openssh"])
            emit("private_key", f"{d}/{name}.export-openssh.key", read(f"db-{name}.openssh"), made + "; dropbearconvert dropbear openssh")


def pyca_keys():
    d = "keys/pyca"
    keys = {
        "p256": ec.derive_private_key(int.from_bytes(det_bytes("keys-p256", 31), "big"), ec.SECP256R1()),
        "p384": ec.derive_private_key(int.from_bytes(det_bytes("keys-p384", 47), "big"), ec.SECP384R1()),
        "secp256k1": ec.derive_private_key(int.from_bytes(det_bytes("keys-k1", 31), "big"), ec.SECP256K1()),
        "bp384": ec.derive_private_key(int.from_bytes(det_bytes("keys-bp384", 47), "big"), ec.BrainpoolP384R1()),
        "ed25519": ed25519.Ed25519PrivateKey.from_private_bytes(det_bytes("keys-ed25519", 32)),
        "ed448": ed448.Ed448PrivateKey.from_private_bytes(det_bytes("keys-ed448", 57)),
        "x25519": x25519.X25519PrivateKey.from_private_bytes(det_bytes("keys-x25519", 32)),
        "x448": x448.X448PrivateKey.from_private_bytes(det_bytes("keys-x448", 56)),
    }
    made = f"{PYCA}: key from fixed bytes (derive_private_key / from_private_bytes)"
    for name, k in keys.items():
        emit("private_key", f"{d}/{name}.pkcs8.der", k.private_bytes(S.Encoding.DER, S.PrivateFormat.PKCS8, S.NoEncryption()),
             made + "; private_bytes(DER, PKCS8)")
        emit("public_key", f"{d}/{name}.spki.pem", k.public_key().public_bytes(S.Encoding.PEM, S.PublicFormat.SubjectPublicKeyInfo),
             made + "; public_bytes(PEM, SPKI)")
        if name.startswith(("p", "secp", "bp")):
            emit("private_key", f"{d}/{name}.sec1.pem",
                 k.private_bytes(S.Encoding.PEM, S.PrivateFormat.TraditionalOpenSSL, S.NoEncryption()),
                 made + "; private_bytes(PEM, TraditionalOpenSSL)")
        if name in ("p256", "p384", "ed25519"):
            emit("private_key", f"{d}/{name}.openssh",
                 k.private_bytes(S.Encoding.PEM, S.PrivateFormat.OpenSSH, S.NoEncryption()), made + "; private_bytes(PEM, OpenSSH)")
            emit("public_key", f"{d}/{name}.openssh.pub",
                 k.public_key().public_bytes(S.Encoding.OpenSSH, S.PublicFormat.OpenSSH) + b"\n",
                 made + "; public_bytes(OpenSSH, OpenSSH)")
        if name in ("p384", "ed448"):
            emit("private_key", f"{d}/{name}.enc.pkcs8.pem",
                 k.private_bytes(S.Encoding.PEM, S.PrivateFormat.PKCS8, S.BestAvailableEncryption(PASSWORD.encode())),
                 made + "; private_bytes(PEM, PKCS8, BestAvailableEncryption)", password=PASSWORD)


def generate():
    openssl_keys()
    certtool_keys()
    ssh_keys()
    putty_keys()
    dropbear_keys()
    pyca_keys()
