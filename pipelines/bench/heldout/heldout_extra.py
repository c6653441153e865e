"""Held-out kinds the committed corpus lacks (issue 12 re-measurement).
Every file is made by a third-party tool on this machine; truth comes from
truth.py's oracles (or heldout_truth.py for wrappers), never from fx.
Group name: heldout_extra."""

import base64
import fnmatch
import glob
import gzip
import os
import random
import shutil
import subprocess

import cryptography
import passlib
from passlib import hash as ph
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization as S
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, ed448, rsa, mldsa, mlkem
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives.serialization import pkcs12, pkcs7
import datetime

from common import PASSWORD, det_bytes, emit, read, run, sh, tool_version, wpath

SEED = int(os.environ.get("HELDOUT_SEED", "7"))
rng = random.Random(SEED)
OPENSSL = tool_version(["openssl", "version"])
CERTTOOL = tool_version(["certtool", "--version"])
SSHKEYGEN = tool_version(["ssh", "-V"])
PUTTYGEN = "puttygen " + tool_version(["puttygen", "--version"]).replace("puttygen: ", "")
PYCA = f"pyca/cryptography {cryptography.__version__}"
PASSLIB = f"passlib {passlib.__version__}"
PW = "correct horse battery staple"


def ossl_key(name, args):
    run(["openssl", "genpkey", *args, "-out", f"{name}.key"])
    return f"{OPENSSL}: openssl genpkey {' '.join(args)}"


def selfsigned(name, extra=()):
    run(["openssl", "req", "-x509", "-new", "-key", f"{name}.key", "-subj", f"/O=fx heldout/CN={name}", "-days", "400",
         *extra, "-out", f"{name}.crt"])


def certs_and_keys():
    d = "heldout/pki"
    specs = [("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
             ("rsa3072", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
             ("rsa4096", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
             ("rsa2047", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2047"]),
             ("rsapss2048", ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"]),
             ("p224", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp224r1"]),
             ("p192", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime192v1"]),
             ("k256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"]),
             ("bp384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP384r1"]),
             ("bp512", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP512r1"]),
             ("p521", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]),
             ("ed25519", ["-algorithm", "ED25519"]), ("ed448", ["-algorithm", "ED448"]),
             ("x25519", ["-algorithm", "X25519"]), ("x448", ["-algorithm", "X448"])]
    made = {}
    for name, args in specs:
        made[name] = ossl_key(name, args)
    # DSA 1024/3072 (params then key)
    for bits in (1024, 3072):
        name = f"dsa{bits}"
        run(["openssl", "dsaparam", "-out", f"{name}.par", str(bits)])
        run(["openssl", "gendsa", "-out", f"{name}.key", f"{name}.par"])
        made[name] = f"{OPENSSL}: openssl dsaparam {bits}; openssl gendsa"
    signing = [n for n in made if not n.startswith("x")]
    for name in signing:
        selfsigned(name)
        mb = made[name] + "; openssl req -x509"
        pem = read(f"{name}.crt")
        v = rng.choice(["plain", "crlf", "text", "ws", "der"])
        if v == "plain":
            emit("x509_cert", f"{d}/{name}.crt", pem, mb)
        elif v == "crlf":
            emit("x509_cert", f"{d}/{name}-crlf.pem", pem.replace(b"\n", b"\r\n"), mb + "; CRLF line endings")
        elif v == "text":
            emit("x509_cert", f"{d}/{name}-text.pem", run(["openssl", "x509", "-in", f"{name}.crt", "-text"]), mb + "; openssl x509 -text")
        elif v == "ws":
            emit("x509_cert", f"{d}/{name}-ws.pem", b"\n\n  " + pem + b"\n\n", mb + "; blank lines/spaces around")
        else:
            emit("x509_cert", f"{d}/{name}.cer", run(["openssl", "x509", "-in", f"{name}.crt", "-outform", "DER"]), mb + "; -outform DER")
        # private key in a random form
        kv = rng.choice(["pkcs8-der", "trad", "enc", "pkcs8-crlf"])
        if kv == "pkcs8-der":
            emit("private_key", f"{d}/{name}.key.der", run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", f"{name}.key", "-outform", "DER"]),
                 made[name] + "; openssl pkcs8 -topk8 -nocrypt -outform DER")
        elif kv == "trad" and name.startswith(("rsa2", "rsa1", "rsa3", "rsa4", "p", "k", "bp", "dsa")):
            sub = "rsa" if name.startswith("rsa") else ("dsa" if name.startswith("dsa") else "ec")
            emit("private_key", f"{d}/{name}.trad.pem", run(["openssl", sub, "-in", f"{name}.key", "-traditional"] if sub == "rsa" else
                                                             ["openssl", sub, "-in", f"{name}.key"]),
                 made[name] + f"; openssl {sub} (traditional)")
        elif kv == "enc":
            cipher, prf = rng.choice([("aes-192-cbc", "hmacWithSHA384"), ("camellia-256-cbc", "hmacWithSHA256"),
                                      ("aes-128-cbc", "hmacWithSHA1"), ("des-ede3-cbc", "hmacWithSHA512")])
            emit("private_key", f"{d}/{name}.{cipher}.p8.pem",
                 run(["openssl", "pkcs8", "-topk8", "-in", f"{name}.key", "-v2", cipher, "-v2prf", prf, "-passout", f"pass:{PASSWORD}"]),
                 made[name] + f"; openssl pkcs8 -topk8 -v2 {cipher} -v2prf {prf}")
        else:
            emit("private_key", f"{d}/{name}.key.pem", read(f"{name}.key").replace(b"\n", b"\r\n"), made[name] + "; CRLF")
        pv = rng.choice(["spki-der", "spki-pem", "spki-crlf"])
        pub = run(["openssl", "pkey", "-in", f"{name}.key", "-pubout"] + (["-outform", "DER"] if pv == "spki-der" else []))
        emit("public_key", f"{d}/{name}.pub.{'der' if pv == 'spki-der' else 'pem'}", pub.replace(b"\n", b"\r\n") if pv == "spki-crlf" else pub,
             made[name] + "; openssl pkey -pubout" + (" -outform DER" if pv == "spki-der" else ""))
    for name in ("x25519", "x448"):
        emit("private_key", f"{d}/{name}.key.pem", read(f"{name}.key"), made[name])
        emit("public_key", f"{d}/{name}.pub.der", run(["openssl", "pkey", "-in", f"{name}.key", "-pubout", "-outform", "DER"]), made[name])
    # encrypted PKCS#8 PBES1 (openssl -v1) and scrypt
    emit("private_key", f"{d}/p521.pbes1-3des.p8.der",
         run(["openssl", "pkcs8", "-topk8", "-in", "p521.key", "-v1", "PBE-SHA1-3DES", "-outform", "DER", "-passout", f"pass:{PASSWORD}"]),
         made["p521"] + "; openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -outform DER")
    emit("private_key", f"{d}/ed448.scrypt.p8.pem",
         run(["openssl", "pkcs8", "-topk8", "-in", "ed448.key", "-scrypt", "-passout", f"pass:{PASSWORD}"]),
         made["ed448"] + "; openssl pkcs8 -topk8 -scrypt")
    # RSA-PSS with restrictions
    # a CA-signed chain: root rsa4096 -> int p384(bp384) -> leaf ed25519 ; PEM bundle of key + 3 certs; PKCS#7; PKCS#12
    with open(wpath("ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    run(["openssl", "req", "-new", "-key", "bp384.key", "-subj", "/O=fx heldout/CN=intermediate", "-out", "int.csr"])
    run(["openssl", "x509", "-req", "-in", "int.csr", "-CA", "rsa4096.crt", "-CAkey", "rsa4096.key", "-set_serial", "77",
         "-extfile", "ca.ext", "-days", "300", "-out", "int.crt"])
    run(["openssl", "req", "-new", "-key", "ed25519.key", "-subj", "/O=fx heldout/CN=leaf.example", "-out", "leaf.csr",
         "-addext", "subjectAltName=DNS:leaf.example,DNS:www.leaf.example"])
    run(["openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "int.crt", "-CAkey", "bp384.key", "-set_serial", "78", "-days", "90",
         "-copy_extensions", "copy", "-out", "leaf.crt"])
    emit("x509_cert", f"{d}/leaf-ed25519-by-bp384.pem", read("leaf.crt"), f"{OPENSSL}: openssl x509 -req (CA brainpoolP384r1)")
    emit("x509_cert", f"{d}/chain3.pem", read("leaf.crt") + read("int.crt") + read("rsa4096.crt"), f"{OPENSSL}: chain leaf+int+root")
    emit("x509_cert", f"{d}/chain3-crlf.pem", (read("leaf.crt") + read("int.crt") + read("rsa4096.crt")).replace(b"\n", b"\r\n"),
         f"{OPENSSL}: chain leaf+int+root, CRLF")
    emit("mixed_bundle", f"{d}/key-and-chain.pem",
         read("ed25519.key") + read("leaf.crt") + read("int.crt") + read("rsa4096.crt"),
         f"{OPENSSL}: the leaf's PKCS#8 key followed by its 3-certificate chain", members=4)
    emit("mixed_bundle", f"{d}/chain-and-key.pem",
         read("p224.crt") + run(["openssl", "ec", "-in", "p224.key"]),
         f"{OPENSSL}: a certificate followed by its SEC1 key", members=2)
    # CSR with attributes
    run(["openssl", "req", "-new", "-key", "k256.key", "-subj", "/O=fx heldout/CN=csr attrs", "-out", "attrs.csr",
         "-addext", "subjectAltName=DNS:a.example", "-addext", "keyUsage=digitalSignature",
         "-config", "/dev/null"], check=False)
    with open(wpath("req.cnf"), "w") as f:
        f.write("[req]\ndistinguished_name=dn\nattributes=attrs\nprompt=no\n[dn]\nO=fx heldout\nCN=csr with attributes\n"
                "[attrs]\nchallengePassword=heldout-challenge\nunstructuredName=fx heldout unit\n")
    run(["openssl", "req", "-new", "-key", "k256.key", "-config", "req.cnf", "-out", "attrs.csr"])
    emit("csr", f"{d}/secp256k1-attrs.csr", read("attrs.csr"), f"{OPENSSL}: openssl req -new with challengePassword/unstructuredName")
    run(["openssl", "req", "-new", "-key", "ed448.key", "-subj", "/CN=ed448 csr", "-outform", "DER", "-out", "ed448.csr.der"])
    emit("csr", f"{d}/ed448.csr.der", read("ed448.csr.der"), f"{OPENSSL}: openssl req -new -outform DER")
    run(["openssl", "req", "-new", "-key", "dsa3072.key", "-subj", "/CN=dsa csr", "-out", "dsa.csr"])
    emit("csr", f"{d}/dsa3072.csr", read("dsa.csr").replace(b"\n", b"\r\n"), f"{OPENSSL}: openssl req -new (DSA-3072), CRLF")
    # PKCS#7 certs-only bundle (with and without CRL) and PKCS#12 variants
    run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", "leaf.crt", "-certfile", "int.crt", "-certfile", "rsa4096.crt",
         "-outform", "DER", "-out", "chain.p7b"])
    emit("pkcs7", f"{d}/chain.p7b", read("chain.p7b"), f"{OPENSSL}: openssl crl2pkcs7 -nocrl (3 certs, DER)")
    run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", "p224.crt", "-out", "one.p7c"])
    emit("pkcs7", f"{d}/one-cert.p7c", read("one.p7c"), f"{OPENSSL}: openssl crl2pkcs7 -nocrl (1 cert, PEM)")
    for tag, extra in [("aes256", ["-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC", "-macalg", "sha384"]),
                       ("legacy", ["-legacy"]), ("nomac-3des", ["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-nomac"]),
                       ("nocerts-enc", ["-certpbe", "NONE"])]:
        run(["openssl", "pkcs12", "-export", "-inkey", "bp384.key", "-in", "int.crt", "-certfile", "rsa4096.crt", *extra,
             "-passout", f"pass:{PASSWORD}", "-out", f"{tag}.p12"])
        emit("pkcs12", f"{d}/bp384-{tag}.p12", read(f"{tag}.p12"), f"{OPENSSL}: openssl pkcs12 -export {' '.join(extra)}")
    run(["openssl", "pkcs12", "-export", "-nokeys", "-in", "leaf.crt", "-certfile", "int.crt", "-passout", f"pass:{PASSWORD}", "-out", "certs.p12"])
    emit("pkcs12", f"{d}/certs-only.p12", read("certs.p12"), f"{OPENSSL}: openssl pkcs12 -export -nokeys")
    # keytool (OpenJDK) PKCS#12 keystore
    if shutil.which("keytool"):
        run(["keytool", "-genkeypair", "-alias", "k", "-keyalg", "EC", "-groupname", "secp384r1", "-dname", "CN=keytool heldout",
             "-keystore", "kt.p12", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-validity", "30"])
        emit("pkcs12", f"{d}/keytool-ec384.p12", read("kt.p12"), "OpenJDK keytool -genkeypair -storetype PKCS12 (EC secp384r1)")
        run(["keytool", "-genkeypair", "-alias", "r", "-keyalg", "RSA", "-keysize", "3072", "-dname", "CN=keytool rsa",
             "-keystore", "kt2.p12", "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-validity", "30"])
        run(["keytool", "-exportcert", "-alias", "r", "-keystore", "kt2.p12", "-storepass", PASSWORD, "-rfc", "-file", "kt.crt"])
        emit("x509_cert", f"{d}/keytool-rsa3072.crt", read("kt.crt"), "OpenJDK keytool -exportcert -rfc (RSA 3072)")
        emit("pkcs12", f"{d}/keytool-rsa3072.p12", read("kt2.p12"), "OpenJDK keytool -genkeypair -storetype PKCS12 (RSA 3072)")
    # CRL (pyca, EC P-384 issuer and Ed448 issuer), OCSP
    now = datetime.datetime(2026, 1, 1)
    for kname, key, algo in [("p384", ec.generate_private_key(ec.SECP384R1()), hashes.SHA384()), ("ed448", ed448.Ed448PrivateKey.generate(), None)]:
        b = (x509.CertificateRevocationListBuilder().issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"heldout {kname} CA")]))
             .last_update(now).next_update(now + datetime.timedelta(days=7)))
        for i in range(rng.randint(0, 4)):
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(1000 + i).revocation_date(now).build())
        crl = b.sign(key, algo)
        enc = rng.choice([S.Encoding.PEM, S.Encoding.DER])
        emit("crl", f"{d}/pyca-{kname}.crl" + (".pem" if enc == S.Encoding.PEM else ""), crl.public_bytes(enc),
             f"{PYCA}: CertificateRevocationListBuilder.sign")
    leaf = x509.load_pem_x509_certificate(read("leaf.crt"))
    inter = x509.load_pem_x509_certificate(read("int.crt"))
    req = ocsp.OCSPRequestBuilder().add_certificate(leaf, inter, hashes.SHA256()).build()
    emit("ocsp", f"{d}/ocsp/request-sha256.der", req.public_bytes(S.Encoding.DER), f"{PYCA}: OCSPRequestBuilder (SHA-256 CertID)")
    run(["openssl", "ocsp", "-issuer", "int.crt", "-cert", "leaf.crt", "-reqout", "oreq.der"])
    emit("ocsp", f"{d}/ocsp/request-openssl-nonce.der", read("oreq.der"), f"{OPENSSL}: openssl ocsp -reqout (nonce)")
    ik = S.load_pem_private_key(read("bp384.key"), None)
    resp = (ocsp.OCSPResponseBuilder().add_response(cert=leaf, issuer=inter, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
                                                    this_update=now, next_update=now + datetime.timedelta(days=1), revocation_time=None,
                                                    revocation_reason=None)
            .responder_id(ocsp.OCSPResponderEncoding.NAME, inter).certificates([inter]).sign(ik, hashes.SHA384()))
    emit("ocsp", f"{d}/ocsp/response-good-bp384.der", resp.public_bytes(S.Encoding.DER), f"{PYCA}: OCSPResponseBuilder (brainpoolP384r1 responder)")
    # base64-only / hex DER wrappers (truth: the inner file's algorithm)
    for name in ("rsa3072", "p224"):
        der_ = run(["openssl", "x509", "-in", f"{name}.crt", "-outform", "DER"])
        emit("wrapped", f"{d}/wrapped/{name}.crt.b64", base64.b64encode(der_) + b"\n", f"{OPENSSL}: DER certificate, base64 without armor",
             wrap="base64", inner="cert")
        emit("wrapped", f"{d}/wrapped/{name}.crt.hex", der_.hex().encode() + b"\n", f"{OPENSSL}: DER certificate as hex", wrap="hex", inner="cert")


def ssh_keys():
    d = "heldout/ssh"
    specs = [("rsa3072", ["-t", "rsa", "-b", "3072"]), ("rsa4096", ["-t", "rsa", "-b", "4096"]), ("ecdsa384", ["-t", "ecdsa", "-b", "384"]),
             ("ecdsa521", ["-t", "ecdsa", "-b", "521"]), ("ed25519", ["-t", "ed25519"]), ("dsa", ["-t", "dsa"])]
    for name, args in specs:
        mode = rng.choice(["openssh", "PEM", "PKCS8"])
        if name == "ed25519":
            mode = "openssh"
        extra = [] if mode == "openssh" else ["-m", mode]
        p = run(["ssh-keygen", *args, *extra, "-N", "", "-C", f"{name}@heldout", "-f", f"s-{name}", "-q"], check=False)
        if not os.path.exists(wpath(f"s-{name}")):
            continue
        made = f"{SSHKEYGEN}: ssh-keygen {' '.join(args + extra)}"
        emit("private_key", f"{d}/id_{name}-{mode}", read(f"s-{name}"), made)
        emit("public_key", f"{d}/id_{name}.pub", read(f"s-{name}.pub"), made + " (.pub)")
        if name != "dsa":
            emit("public_key", f"{d}/id_{name}.rfc4716.pub", run(["ssh-keygen", "-e", "-m", "RFC4716", "-f", f"s-{name}.pub"]),
                 made + "; ssh-keygen -e -m RFC4716")
            emit("public_key", f"{d}/id_{name}.pkcs8.pem", run(["ssh-keygen", "-e", "-m", "PKCS8", "-f", f"s-{name}.pub"]),
                 made + "; ssh-keygen -e -m PKCS8") if name != "ed25519" else None
    # encrypted OpenSSH key with other KDF rounds
    run(["ssh-keygen", "-t", "ecdsa", "-b", "256", "-a", "64", "-N", PASSWORD, "-f", "enc", "-q"])
    emit("private_key", f"{d}/id_ecdsa256-enc-aes128ctr", read("enc"), f"{SSHKEYGEN}: ssh-keygen -t ecdsa -a 64 -N …")
    # certificates: ed25519 CA signs an rsa key (user) and ecdsa384 (host)
    run(["ssh-keygen", "-s", "s-ed25519", "-I", "heldout-user", "-n", "alice", "-V", "+52w", "-z", "9", "s-rsa3072.pub"])
    emit("public_key", f"{d}/id_rsa3072-cert.pub", read("s-rsa3072-cert.pub"), f"{SSHKEYGEN}: ssh-keygen -s (ed25519 CA, user cert)")
    run(["ssh-keygen", "-s", "s-ecdsa521", "-I", "heldout-host", "-h", "-n", "h.example", "-z", "10", "s-ecdsa384.pub"])
    emit("public_key", f"{d}/id_ecdsa384-cert.pub", read("s-ecdsa384-cert.pub"), f"{SSHKEYGEN}: ssh-keygen -s -h (ecdsa521 CA, host cert)")
    # authorized_keys with options (CRLF), known_hosts hashed
    ak = (f'from="10.0.0.0/8",no-pty {read("s-ecdsa521.pub").decode().strip()}\n'
          f'command="/bin/true" {read("s-rsa4096.pub").decode().strip()}\n')
    emit("public_key", f"{d}/authorized_keys_opts", ak, f"{SSHKEYGEN}: .pub lines with options")
    with open(wpath("kh"), "w") as f:
        f.write(f"host1.example {read('s-ed25519.pub').decode().split(' ')[0]} {read('s-ed25519.pub').decode().split(' ')[1]}\n")
    run(["ssh-keygen", "-H", "-f", "kh"])
    emit("public_key", f"{d}/known_hosts_hashed", read("kh"), f"{SSHKEYGEN}: ssh-keygen -H")
    # PuTTY
    for name, args in [("ecdsa384", ["-t", "ecdsa", "-b", "384"]), ("ed448", ["-t", "eddsa", "-b", "448"]), ("rsa3072", ["-t", "rsa", "-b", "3072"])]:
        ver = rng.choice(["2", "3"])
        run(["puttygen", *args, "-o", f"p-{name}.ppk", "--new-passphrase", "/dev/null", "--ppk-param", f"version={ver}"])
        shutil.copy(wpath(f"p-{name}.ppk"), wpath(f"p2-{name}.ppk"))
        emit("private_key", f"{d}/putty-{name}-v{ver}.ppk", read(f"p2-{name}.ppk"), f"{PUTTYGEN}: puttygen {' '.join(args)}; --ppk-param version={ver}")
        emit("public_key", f"{d}/putty-{name}.rfc4716.pub", run(["puttygen", f"p-{name}.ppk", "-O", "public"]), f"{PUTTYGEN}: -O public")
        if name != "ed448":
            emit("public_key", f"{d}/putty-{name}.openssh.pub", run(["puttygen", f"p-{name}.ppk", "-O", "public-openssh"]), f"{PUTTYGEN}: -O public-openssh")
    # dropbear
    for name, args in [("ecdsa384", ["-t", "ecdsa", "-s", "384"]), ("rsa3072", ["-t", "rsa", "-s", "3072"])]:
        run(["dropbearkey", *args, "-f", f"dropbear_{name}_host_key"])
        emit("private_key", f"{d}/dropbear_{name}_host_key", read(f"dropbear_{name}_host_key"), f"dropbearkey {' '.join(args)}")


def params():
    d = "heldout/params"
    for group in ("ffdhe3072", "modp_2048", "ffdhe6144"):
        out = run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:{group}"])
        emit("params", f"{d}/dh-{group}.pem", out, f"{OPENSSL}: openssl genpkey -genparam -algorithm DH group:{group}")
    for curve, tag, enc in [("secp384r1", "p384", "explicit"), ("brainpoolP384r1", "bp384", "named_curve"), ("secp521r1", "p521", "named_curve"),
                            ("prime192v1", "p192", "named_curve")]:
        out = run(["openssl", "ecparam", "-name", curve, "-param_enc", enc, "-outform", "DER"])
        emit("params", f"{d}/ec-{tag}-{enc}.der", out, f"{OPENSSL}: openssl ecparam -name {curve} -param_enc {enc} -outform DER")
    run(["openssl", "dsaparam", "-outform", "DER", "-out", "d1024.der", "1024"])
    emit("params", f"{d}/dsa1024.der", read("d1024.der"), f"{OPENSSL}: openssl dsaparam -outform DER 1024")


PQC_EXTRA = {"ml_dsa_87": "ML-DSA-87", "ml_kem_768": "ML-KEM-768", "hqc_192": "HQC-192", "hqc_256": "HQC-256",
             "slh_dsa_sha2_192f": "SLH-DSA-SHA2-192f", "slh_dsa_sha2_256s": "SLH-DSA-SHA2-256s", "slh_dsa_shake_128s": "SLH-DSA-SHAKE-128s",
             "slh_dsa_shake_192f": "SLH-DSA-SHAKE-192f", "slh_dsa_sha2_128f": "SLH-DSA-SHA2-128f", "sntrup_653": "sntrup653",
             "sntrup_1277": "sntrup1277", "mceliece_348864": "Classic-McEliece-348864"}


def pqc():
    import pqcrypto
    d = "heldout/pqc"
    made0 = f"pqcrypto {pqcrypto.__version__}"
    for modname, alg in PQC_EXTRA.items():
        m = getattr(pqcrypto, modname)
        pk, sk = m.keygen()
        pk, sk = bytes(pk), bytes(sk)
        made = f"{made0}: {modname}.keygen()"
        if hasattr(m, "encaps"):
            r = m.encaps(pk)
            ct = bytes(r[0]) if len(bytes(r[0])) != m.SHARED_SECRET_SIZE else bytes(r[1])
            emit("pqc_raw", f"{d}/{modname}.ct", ct, made + "; encaps", pqc_algorithm=alg, pqc_object="ciphertext")
            if not modname.startswith("mceliece"):
                emit("pqc_raw", f"{d}/{modname}.pk", pk, made, pqc_algorithm=alg, pqc_object="public_key")
        else:
            sig = bytes(m.sign(sk, b"heldout message %d" % SEED))
            emit("pqc_raw", f"{d}/{modname}.sig", sig, made + "; sign", pqc_algorithm=alg, pqc_object="signature")
            if modname.startswith("ml_dsa"):
                emit("pqc_raw", f"{d}/{modname}.pk", pk, made, pqc_algorithm=alg, pqc_object="public_key")
                emit("pqc_raw", f"{d}/{modname}.sk", sk, made, pqc_algorithm=alg, pqc_object="secret_key")
    # pyca ML-KEM/ML-DSA keys in CRLF PEM and encrypted PKCS#8
    for alg, cls in [("ML-DSA-65", mldsa.MLDSA65PrivateKey), ("ML-KEM-1024", mlkem.MLKEM1024PrivateKey), ("ML-DSA-87", mldsa.MLDSA87PrivateKey)]:
        k = cls.from_seed_bytes(det_bytes(f"x{alg}", 32 if "DSA" in alg else 64))
        tag = alg.lower().replace("-", "")
        emit("pqc_container", f"{d}/{tag}.spki.crlf.pem",
             k.public_key().public_bytes(S.Encoding.PEM, S.PublicFormat.SubjectPublicKeyInfo).replace(b"\n", b"\r\n"),
             f"{PYCA}: public_bytes(PEM, SPKI), CRLF", pqc_algorithm=alg)
        emit("pqc_container", f"{d}/{tag}.pkcs8.der", k.private_bytes(S.Encoding.DER, S.PrivateFormat.PKCS8, S.NoEncryption()),
             f"{PYCA}: private_bytes(DER, PKCS8)", pqc_algorithm=alg)


def hashes_():
    d = "heldout/hashes"
    salt = det_bytes("hsalt", 16)
    items = [
        ("bcrypt", ph.bcrypt.using(rounds=12, ident="2b").hash(PW), 3200),
        ("bcrypt_2y", ph.bcrypt.using(rounds=11, ident="2y").hash(PW), 3200),
        ("sha512_crypt", ph.sha512_crypt.using(rounds=656000).hash(PW), 1800),
        ("sha256_crypt", ph.sha256_crypt.using(rounds=80000).hash(PW), 7400),
        ("md5_crypt", ph.md5_crypt.hash(PW), 500),
        ("bsdi_crypt", ph.bsdi_crypt.hash(PW), 12400),
        ("pbkdf2_sha256", ph.pbkdf2_sha256.using(rounds=100000).hash(PW), 20300),
        ("django_pbkdf2_sha256", ph.django_pbkdf2_sha256.using(rounds=870000).hash(PW), 10000),
        ("django_pbkdf2_sha1", ph.django_pbkdf2_sha1.hash(PW), None),
        ("django_bcrypt_sha256", ph.django_bcrypt_sha256.hash(PW), None),
        ("ldap_salted_md5", ph.ldap_salted_md5.hash(PW), None),
        ("ldap_md5", ph.ldap_md5.hash(PW), None),
        ("ldap_salted_sha256", ph.ldap_salted_sha256.hash(PW), 1411),
        ("ldap_sha1", ph.ldap_sha1.hash(PW), 101),
        ("ldap_salted_sha1", ph.ldap_salted_sha1.hash(PW), 111),
        ("atlassian_pbkdf2_sha1", ph.atlassian_pbkdf2_sha1.hash(PW), 12001),
        ("phpass_h", ph.phpass.using(ident="H").hash(PW), 400),
        ("mysql41", ph.mysql41.hash(PW), 300),
        ("postgres_md5", ph.postgres_md5.hash(PW, user="alice"), None),
        ("bcrypt_sha256", ph.bcrypt_sha256.hash(PW), None),
        ("argon2", ph.argon2.using(rounds=2, memory_cost=8192).hash(PW), None),
        ("scram", ph.scram.hash(PW), None),
        ("cisco_type7", ph.cisco_type7.hash(PW), None),
        ("sun_md5_crypt", ph.sun_md5_crypt.hash(PW), None),
        ("grub_pbkdf2_sha512", ph.grub_pbkdf2_sha512.using(rounds=20000).hash(PW), 7200),
        ("fshp", ph.fshp.hash(PW), None),
        ("mssql2005", ph.mssql2005.hash(PW), 132),
        ("oracle11", ph.oracle11.hash(PW), 112),
        ("bigcrypt", ph.bigcrypt.hash(PW), None),
        ("crypt16", ph.crypt16.hash(PW), None),
        ("des_crypt", ph.des_crypt.hash(PW), 1500),
        ("apr_md5_crypt", ph.apr_md5_crypt.hash(PW), 1600),
        ("sha1_crypt", ph.sha1_crypt.hash(PW), 15100),
        ("cta_pbkdf2_sha1", ph.cta_pbkdf2_sha1.hash(PW), None),
        ("dlitz_pbkdf2_sha1", ph.dlitz_pbkdf2_sha1.hash(PW), None),
    ]
    for name, h, mode in items:
        emit("hash", f"{d}/passlib-{name}.txt", h + "\n", f"{PASSLIB}: passlib.hash.{name}", scheme_passlib=name, hashcat=mode)
    for method, extra in [("yescrypt", ["-R", "7"]), ("sha512crypt", ["-R", "5000"]), ("bcrypt", ["-R", "13"]), ("md5crypt", [])]:
        h = run(["mkpasswd", "-m", method, *extra, PW]).decode().strip()
        emit("hash", f"{d}/mkpasswd-{method}.txt", h + "\n", f"mkpasswd -m {method} {' '.join(extra)}", scheme_crypt=method,
             hashcat={"yescrypt": None, "sha512crypt": 1800, "bcrypt": 3200, "md5crypt": 500}[method])
    if shutil.which("htpasswd"):
        for flag, mode, tag in [("-m", 1600, "apr1"), ("-B", 3200, "bcrypt"), ("-s", 101, "sha"), ("-2", 7400, "sha256"), ("-5", 1800, "sha512")]:
            p = subprocess.run(["htpasswd", "-nb", flag, f"user{tag}", PW], capture_output=True)
            if p.returncode != 0:
                continue
            line = p.stdout.decode().strip()
            emit("hash", f"{d}/htpasswd-{tag}", line + "\n", f"htpasswd -nb {flag}", htpasswd=True, hashcat=mode)
    for variant, args in [("argon2id", ["-id", "-t", "2", "-k", "65536", "-p", "1"]), ("argon2i", ["-i", "-t", "3", "-m", "10", "-p", "8"])]:
        h = run(["argon2", "heldoutsaltvalue", *args, "-e"], input=PW.encode()).decode().strip()
        emit("hash", f"{d}/argon2cli-{variant}.txt", h + "\n", f"argon2 {' '.join(args)} -e", scheme_argon2=variant)


_ALL = []


def all_files():
    if not _ALL:
        for top in ("/usr/share", "/usr/lib", "/var/lib"):
            for root, dirs, files in os.walk(top):
                _ALL.extend(os.path.join(root, f) for f in files)
    return _ALL


def confusers():
    d = "heldout/confusers"
    pools = {
        "png": "/usr/share/**/*.png", "svg": "/usr/share/**/*.svg", "jpg": "/usr/share/**/*.jpg", "gif": "/usr/share/**/*.gif",
        "ico": "/usr/share/**/*.ico", "ttf": "/usr/share/fonts/**/*.ttf", "otf": "/usr/share/fonts/**/*.otf",
        "mo": "/usr/share/locale/**/*.mo", "pyc": "/usr/lib/python3*/**/*.pyc", "json": "/usr/share/**/*.json",
        "xml": "/usr/share/**/*.xml", "txt": "/usr/share/doc/**/*.txt", "html": "/usr/share/doc/**/*.html",
        "so": "/usr/lib/x86_64-linux-gnu/*.so.*", "a": "/usr/lib/x86_64-linux-gnu/*.a", "o": "/usr/lib/x86_64-linux-gnu/*.o",
        "gzman": "/usr/share/man/man[1-8]/*.gz", "sqlite": "/var/lib/*/*.sqlite", "db": "/usr/share/*/*.db",
        "pdf": "/usr/share/**/*.pdf", "bz2": "/usr/share/**/*.bz2", "xz": "/usr/share/**/*.xz",
        "zip": "/usr/share/**/*.zip", "jar": "/usr/share/**/*.jar", "terminfo": "/usr/share/terminfo/*/*", "zoneinfo": "/usr/share/zoneinfo/Europe/*",
        "locale": "/usr/lib/locale/C.utf8/LC_*", "pcf": "/usr/share/fonts/**/*.pcf.gz", "magic": "/usr/share/misc/magic.mgc",
    }
    crypto_words = ("ssl", "crypt", "tls", "gnutls", "nettle", "gcrypt", "sodium", "nss", "mbed", "wolf", "botan", "tomcrypt", "ssh",
                    "krb", "k5", "gss", "argon", "hogweed", "p11", "cert", "key", "pgp", "gpg", "sasl", "ldap", "curl", "openssl")
    for kind, pat in pools.items():
        names = sorted(f for f in all_files() if fnmatch.fnmatch(f, pat.replace("**/", "*")))
        names = rng.sample(names, min(len(names), 300))
        files = sorted(f for f in names if os.path.isfile(f) and not os.path.islink(f)
                       and 64 <= os.path.getsize(f) <= 4_000_000 and not any(w in f.lower() for w in crypto_words)
                       and "/heldout" not in f and "/work/" not in f)
        if kind in ("so", "a", "o"):
            # ELF objects: only ones with no crypto library NEEDED (readelf) and no crypto in the name
            ok = []
            for f in files:
                dyn = subprocess.run(["readelf", "-d", f], capture_output=True, text=True).stdout
                if not any(w in dyn.lower() for w in crypto_words):
                    ok.append(f)
            files = ok
        pick = rng.sample(files, min(len(files), 4 if kind not in ("terminfo", "zoneinfo", "locale", "magic") else 2))
        for f in pick:
            with open(f, "rb") as fh:
                data = fh.read()
            base = os.path.basename(f)
            sub = "compressed" if kind in ("gzman", "bz2", "xz") else ("text" if kind in ("txt",) else kind)
            emit("confuser", f"{d}/{sub}/{kind}-{base}", data, f"copy of {f} (installed file)")


def more():
    """Kinds an outside checker is likely to try that the corpus lacks."""
    d = "heldout/more"
    # the system CA bundle (Debian's ca-certificates.crt, ~140 certificates)
    if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
        with open("/etc/ssl/certs/ca-certificates.crt", "rb") as f:
            emit("x509_cert", f"{d}/ca-certificates.crt", f.read(), "copy of /etc/ssl/certs/ca-certificates.crt (Debian ca-certificates)")
    # a PEM certificate whose base64 body is one line; trailing spaces on the armor lines
    k = ec.generate_private_key(ec.SECP384R1())
    now = datetime.datetime(2026, 1, 1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "one-line pem")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key()).serial_number(5)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30)).sign(k, hashes.SHA384()))
    b64 = base64.b64encode(cert.public_bytes(S.Encoding.DER)).decode()
    emit("x509_cert", f"{d}/p384-oneline.pem", f"-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n",
         f"{PYCA}: CertificateBuilder (P-384); PEM body on one line")
    # RSA-PSS signed certificate, and an RSA-PSS key certificate
    run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss-signer.key"])
    run(["openssl", "req", "-x509", "-new", "-key", "pss-signer.key", "-subj", "/CN=pss signed", "-sigopt", "rsa_padding_mode:pss",
         "-sha256", "-days", "30", "-out", "pss-signed.crt"])
    emit("x509_cert", f"{d}/rsa2048-pss-signed.crt", read("pss-signed.crt"), f"{OPENSSL}: openssl req -x509 -sigopt rsa_padding_mode:pss")
    # RSA 8192 (pyca) certificate
    big = rsa.generate_private_key(65537, 8192)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rsa 8192")])
    c8 = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(big.public_key()).serial_number(8192)
          .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30)).sign(big, hashes.SHA512()))
    emit("x509_cert", f"{d}/rsa8192.der", c8.public_bytes(S.Encoding.DER), f"{PYCA}: rsa.generate_private_key(8192), CertificateBuilder")
    emit("private_key", f"{d}/rsa8192.key", big.private_bytes(S.Encoding.PEM, S.PrivateFormat.TraditionalOpenSSL, S.NoEncryption()),
         f"{PYCA}: private_bytes(PEM, TraditionalOpenSSL)")
    # CMS: streamed (BER indefinite) signed data, password recipient, EC (kari) recipient, signed with Ed25519
    with open(wpath("m.txt"), "w") as f:
        f.write("held-out message\n")
    run(["openssl", "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "cms-ec.key",
         "-subj", "/CN=cms ec", "-days", "30", "-out", "cms-ec.crt"])
    run(["openssl", "req", "-x509", "-new", "-newkey", "ed25519", "-nodes", "-keyout", "cms-ed.key", "-subj", "/CN=cms ed25519",
         "-days", "30", "-out", "cms-ed.crt"])
    run(["openssl", "cms", "-sign", "-in", "m.txt", "-signer", "cms-ec.crt", "-inkey", "cms-ec.key", "-outform", "DER", "-stream",
         "-out", "streamed.der"])
    emit("pkcs7", f"{d}/cms-signed-streamed-p256.der", read("streamed.der"), f"{OPENSSL}: openssl cms -sign -stream -outform DER (BER)",
         ber=True)
    run(["openssl", "cms", "-sign", "-in", "m.txt", "-signer", "pss-signed.crt", "-inkey", "pss-signer.key", "-keyopt",
         "rsa_padding_mode:pss", "-outform", "PEM", "-nodetach", "-out", "pss.pem"])
    emit("pkcs7", f"{d}/cms-signed-rsapss.pem", read("pss.pem"), f"{OPENSSL}: openssl cms -sign -keyopt rsa_padding_mode:pss -outform PEM")
    run(["openssl", "cms", "-encrypt", "-in", "m.txt", "-aes-256-cbc", "-pwri_password", PASSWORD, "-outform", "DER", "-out", "pwri.der"])
    emit("pkcs7", f"{d}/cms-enveloped-pwri.der", read("pwri.der"), f"{OPENSSL}: openssl cms -encrypt -pwri_password -outform DER")
    run(["openssl", "cms", "-encrypt", "-in", "m.txt", "-aes-128-gcm", "-recip", "cms-ec.crt", "-outform", "DER", "-out", "kari.der"],
        check=False)
    if os.path.exists(wpath("kari.der")):
        emit("pkcs7", f"{d}/cms-authenveloped-ecdh.der", read("kari.der"), f"{OPENSSL}: openssl cms -encrypt -aes-128-gcm (ECDH recipient)")
    run(["openssl", "cms", "-encrypt", "-in", "m.txt", "-aes256", "-recip", "cms-ec.crt", "-out", "smime-ec.eml"])
    emit("smime", f"{d}/smime-enveloped-ecdh.eml", read("smime-ec.eml"), f"{OPENSSL}: openssl cms -encrypt (S/MIME, ECDH)")
    run(["openssl", "cms", "-sign", "-in", "m.txt", "-signer", "cms-ec.crt", "-inkey", "cms-ec.key", "-out", "smime-ec-signed.eml"])
    emit("smime", f"{d}/smime-signed-p256.eml", read("smime-ec-signed.eml"), f"{OPENSSL}: openssl cms -sign (S/MIME multipart/signed, P-256)")

    # streamed S/MIME (BER inside), a TRUSTED CERTIFICATE (openssl x509 -trustout), a shadow file of mixed schemes
    run(["openssl", "smime", "-sign", "-in", "m.txt", "-signer", "cms-ec.crt", "-inkey", "cms-ec.key", "-nodetach", "-stream",
         "-out", "smime-stream.eml"])
    emit("smime", f"{d}/smime-signed-opaque-streamed.eml", read("smime-stream.eml"), f"{OPENSSL}: openssl smime -sign -nodetach -stream")
    run(["openssl", "cms", "-encrypt", "-in", "m.txt", "-aes256", "-recip", "cms-ec.crt", "-stream", "-outform", "DER", "-out", "env-stream.der"])
    emit("pkcs7", f"{d}/cms-enveloped-streamed.der", read("env-stream.der"), f"{OPENSSL}: openssl cms -encrypt -stream -outform DER (BER)", ber=True)
    emit("x509_cert", f"{d}/trusted.pem", run(["openssl", "x509", "-in", "cms-ec.crt", "-trustout", "-addtrust", "serverAuth"]),
         f"{OPENSSL}: openssl x509 -trustout -addtrust serverAuth (TRUSTED CERTIFICATE)")
    lines = [run(["mkpasswd", "-m", m, PW]).decode().strip() for m in ("yescrypt", "sha512crypt", "bcrypt", "sha256crypt")]
    shadow = "root:!:20000:0:99999:7:::\n" + "".join(f"u{i}:{h}:20000:0:99999:7:::\n" for i, h in enumerate(lines))
    emit("hash", f"{d}/shadow-mixed", shadow, "mkpasswd (libxcrypt): shadow lines of four schemes", scheme="shadow")
    # OCSP response from openssl ocsp -respout
    with open(wpath("index.txt"), "w") as f:
        f.write("")
    serial = run(["openssl", "x509", "-in", "cms-ed.crt", "-noout", "-serial"]).decode().strip().split("=")[1]
    with open(wpath("index.txt"), "w") as f:
        f.write(f"R\t361231000000Z\t260101000000Z,keyCompromise\t{serial}\tunknown\t/CN=cms ed25519\n")
    run(["openssl", "ocsp", "-issuer", "cms-ed.crt", "-cert", "cms-ed.crt", "-reqout", "r.der", "-no_nonce"])
    run(["openssl", "ocsp", "-index", "index.txt", "-rsigner", "cms-ec.crt", "-rkey", "cms-ec.key", "-CA", "cms-ed.crt",
         "-reqin", "r.der", "-respout", "resp.der"])
    emit("ocsp", f"{d}/ocsp/response-revoked-openssl.der", read("resp.der"), f"{OPENSSL}: openssl ocsp -index -respout (revoked)")
    # SSH: CRLF PuTTY key (Windows), -m PEM encrypted key, PuTTY encrypted v2, dropbear ed25519, ssh-keygen -t rsa -b 1024 -m PKCS8
    run(["puttygen", "-t", "rsa", "-b", "2048", "-o", "w.ppk", "--new-passphrase", "/dev/null"])
    emit("private_key", f"{d}/putty-rsa2048-crlf.ppk", read("w.ppk").replace(b"\n", b"\r\n"), f"{PUTTYGEN}: puttygen -t rsa; CRLF (Windows)")
    with open(wpath("pp"), "w") as f:
        f.write(PASSWORD + "\n")
    run(["puttygen", "-t", "ecdsa", "-b", "256", "-o", "e.ppk", "--new-passphrase", "pp", "--ppk-param", "version=2"])
    emit("private_key", f"{d}/putty-ecdsa256-enc-v2.ppk", read("e.ppk"), f"{PUTTYGEN}: puttygen -t ecdsa -b 256 --new-passphrase (ppk v2, aes256-cbc)")
    run(["ssh-keygen", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", PASSWORD, "-f", "pem-enc", "-q"])
    emit("private_key", f"{d}/id_rsa2048-pem-encrypted", read("pem-enc"), f"{SSHKEYGEN}: ssh-keygen -t rsa -m PEM -N … (legacy PEM encryption)")
    run(["dropbearkey", "-t", "ed25519", "-f", "dropbear_ed25519_host_key"])
    emit("private_key", f"{d}/dropbear_ed25519_host_key", read("dropbear_ed25519_host_key"), "dropbearkey -t ed25519")
    run(["ssh-keygen", "-t", "ecdsa", "-b", "256", "-N", "", "-f", "crlf", "-q"])
    emit("private_key", f"{d}/id_ecdsa256-crlf", read("crlf").replace(b"\n", b"\r\n"), f"{SSHKEYGEN}: ssh-keygen -t ecdsa; CRLF")
    # GnuTLS certtool: Ed448 / RSA-PSS keys and certificates, a PKCS#8 encrypted with certtool's default (PBES2 AES-256)
    with open(wpath("gt.tmpl"), "w") as f:
        f.write('cn = "certtool heldout"\nserial = 9\nexpiration_days = 30\nsigning_key\n')
    for kname, args in [("ed448", ["--key-type", "ed448"]), ("rsapss", ["--key-type", "rsa-pss", "--bits", "2048"]),
                        ("p384", ["--key-type", "ecdsa", "--curve", "secp384r1"])]:
        run(["certtool", "--generate-privkey", *args, "--outfile", f"gt-{kname}.key"])
        run(["certtool", "--generate-self-signed", "--load-privkey", f"gt-{kname}.key", "--template", "gt.tmpl", "--outfile", f"gt-{kname}.crt"])
        pem = read(f"gt-{kname}.crt")
        i = pem.find(b"-----BEGIN")
        emit("x509_cert", f"{d}/certtool-{kname}.crt", pem, f"{CERTTOOL}: certtool --generate-self-signed {' '.join(args)} (with its text)")
        kp = read(f"gt-{kname}.key")
        emit("private_key", f"{d}/certtool-{kname}.key", kp, f"{CERTTOOL}: certtool --generate-privkey {' '.join(args)}")
    run(["certtool", "--to-p8", "--load-privkey", "gt-p384.key", "--password", PASSWORD, "--outfile", "gt-p384.p8"])
    emit("private_key", f"{d}/certtool-p384-enc.p8", read("gt-p384.p8"), f"{CERTTOOL}: certtool --to-p8 --password")


def generate():
    import sys
    import traceback
    for fn in (certs_and_keys, ssh_keys, params, pqc, hashes_, confusers, more):
        try:
            fn()
        except (Exception, SystemExit):
            print(f"heldout_extra: {fn.__name__} stopped early (its files so far are kept)", file=sys.stderr)
            traceback.print_exc()
