#!/usr/bin/env python3
"""Computes tests/corpus/truth.jsonl from the committed files and
manifest.jsonl with independent oracles — never with fx:

- pyca/cryptography (its own OpenSSL 3.5+/4.x): certificates, CSRs, CRLs,
  OCSP, PKCS#7, PKCS#12 (with the corpus password), private/public keys of
  every classical type and ML-KEM/ML-DSA, OpenSSH private/public keys;
- asn1crypto: the algorithm OIDs read inside SPKI/PKCS#8/certificates, CMS
  content types, PKCS#12 safe types, strict DER decoding of malformed files;
- openssl (CLI): DSA/EC parameters, OID names (`openssl asn1parse`);
- ssh-keygen: RFC 4716 and authorized_keys/known_hosts lines (-l), the
  OpenSSH certificate type (-L); puttygen: .ppk and ssh.com keys;
  dropbearkey -y: dropbear keys;
- passlib / libxcrypt (crypt(3)) / hashcat's mode table: password hashes;
- readelf/dpkg/go version -m (elf_truth.py): crypto libraries in binaries.

A file whose oracle disagrees with the generator's intent (a mutation that
did not produce the defect, a key the oracle cannot read) stops the run:
the truth is never guessed.

One JSON object per line: path, family, made_by, oracle, and the expected
fields (absent = not scored): labels, container, encoding, algorithm, oid,
key_bits, curve, failures, pqc (true/false), pqc_algorithm, pqc_object,
valid_structure, hashcat_mode, libraries.
"""

import base64
import json
import os
import re
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import asn1crypto  # noqa: E402
import cryptography  # noqa: E402
from asn1crypto import cms as acms  # noqa: E402
from asn1crypto import core  # noqa: E402
from asn1crypto import keys as akeys  # noqa: E402
from asn1crypto import pkcs12 as ap12  # noqa: E402
from asn1crypto import x509 as ax  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization as S  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import (dh, dsa, ec, ed448, ed25519, mldsa, mlkem, rsa, x448,  # noqa: E402
                                                       x25519)
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12  # noqa: E402
from cryptography.x509 import ocsp  # noqa: E402

import elf_truth  # noqa: E402
import openpgp_truth  # noqa: E402
from common import CORPUS, FILES, MANIFEST, PASSWORD  # noqa: E402

TRUTH = os.path.join(CORPUS, "truth.jsonl")
PYCA = f"pyca/cryptography {cryptography.__version__}"
AC = f"asn1crypto {asn1crypto.__version__}"

# NIST CSOR registrations (FIPS 203/204/205) and RFC 8410 / X9 names
PQC_OIDS = {
    "2.16.840.1.101.3.4.3.17": "ML-DSA-44", "2.16.840.1.101.3.4.3.18": "ML-DSA-65", "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
    "2.16.840.1.101.3.4.4.1": "ML-KEM-512", "2.16.840.1.101.3.4.4.2": "ML-KEM-768", "2.16.840.1.101.3.4.4.3": "ML-KEM-1024",
}
# FIPS 203/204 public key sizes (for bad_length confirmation)
PQC_PK = {"ML-DSA-44": 1312, "ML-DSA-65": 1952, "ML-DSA-87": 2592, "ML-KEM-512": 800, "ML-KEM-768": 1184, "ML-KEM-1024": 1568}
PQC_SEED = {"ML-DSA-44": 32, "ML-DSA-65": 32, "ML-DSA-87": 32, "ML-KEM-512": 64, "ML-KEM-768": 64, "ML-KEM-1024": 64}
CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp224r1": "P-224", "secp192r1": "P-192",
          "secp256k1": "secp256k1", "brainpoolP256r1": "brainpoolP256r1", "brainpoolP384r1": "brainpoolP384r1",
          "brainpoolP512r1": "brainpoolP512r1"}
PQC_RX = re.compile(r"ML-?KEM|ML-?DSA|SLH-?DSA|Falcon|FN-DSA|Frodo|McEliece|NTRU|sntrup|HQC|BIKE|Kyber|Dilithium|SPHINCS|XMSS|\bLMS\b",
                    re.I)
# password hash scheme → hashcat mode (hashcat 6.2.6's list, tests/data/hashcat/example-hashes.txt; None = no mode)
HASHCAT = {"md5crypt": 500, "apr1": 1600, "sha256crypt": 7400, "sha512crypt": 1800, "bcrypt": 3200, "bcrypt-a": 3200,
           "descrypt": 1500, "bsdicrypt": 12400, "sunmd5": None, "yescrypt": None, "gost-yescrypt": None, "scrypt": None,
           "pbkdf2_sha256": 20300, "pbkdf2_sha512": 20200, "pbkdf2_sha1": 20400, "django_pbkdf2_sha256": 10000,
           "ldap_salted_sha1": 111, "ldap_sha1": 101, "ldap_salted_sha512": 1711, "atlassian_pbkdf2_sha1": 12001, "phpass": 400,
           "mysql41": 300, "grub_pbkdf2_sha512": 7200, "argon2id": None, "argon2i": None, "argon2d": None}


class Skip(Exception):
    pass


def fail(rec, msg):
    raise SystemExit(f"truth: {rec['path']}: {msg}")


# ---------------------------------------------------------------- helpers

PEM_RX = re.compile(rb"-----BEGIN ([A-Z0-9 .]+)-----\r?\n(.*?)-----END \1-----", re.S)


def pem_blocks(data):
    out = []
    for m in PEM_RX.finditer(data):
        label = m.group(1).decode()
        body = m.group(2)
        headers = {}
        if b"Proc-Type:" in body:
            head, _, body = body.partition(b"\n\n") if b"\n\n" in body else body.partition(b"\r\n\r\n")
            for l in head.decode().splitlines():
                k, _, v = l.partition(":")
                headers[k.strip()] = v.strip()
        out.append((label, base64.b64decode(b"".join(body.split())), headers))
    return out


def pub_fields(pk):
    """algorithm/key_bits/curve of a pyca public key object."""
    if isinstance(pk, rsa.RSAPublicKey):
        return {"algorithm": "RSA", "key_bits": pk.key_size}
    if isinstance(pk, dsa.DSAPublicKey):
        return {"algorithm": "DSA", "key_bits": pk.key_size}
    if isinstance(pk, ec.EllipticCurvePublicKey):
        return {"algorithm": "EC", "curve": CURVES[pk.curve.name]}
    for cls, name in [(ed25519.Ed25519PublicKey, "Ed25519"), (ed448.Ed448PublicKey, "Ed448"), (x25519.X25519PublicKey, "X25519"),
                      (x448.X448PublicKey, "X448"), (mldsa.MLDSA44PublicKey, "ML-DSA-44"), (mldsa.MLDSA65PublicKey, "ML-DSA-65"),
                      (mldsa.MLDSA87PublicKey, "ML-DSA-87"), (mlkem.MLKEM768PublicKey, "ML-KEM-768"),
                      (mlkem.MLKEM1024PublicKey, "ML-KEM-1024")]:
        if isinstance(pk, cls):
            return {"algorithm": name}
    if isinstance(pk, dh.DHPublicKey):
        return {"algorithm": "DH"}
    raise Skip(f"public key type {type(pk).__name__}")


def spki_oid(spki_der):
    """The algorithm OID of an SPKI, read by asn1crypto's generic decoder."""
    v = core.load(spki_der)
    return v[0][0].dotted


def pkcs8_oid(der):
    v = core.load(der)
    return v[1][0].dotted


def generic_pqc(der, kind):
    """For PQC structures pyca does not read (ML-KEM-512, expanded keys):
    the OID via asn1crypto → NIST name; sizes checked against FIPS 203/204."""
    oid = spki_oid(der) if kind == "spki" else pkcs8_oid(der)
    if oid not in PQC_OIDS:
        raise Skip(f"unknown OID {oid}")
    return {"algorithm": PQC_OIDS[oid], "oid": oid}


ALG_ALIASES = {"1.2.840.113549.1.1.10": ["RSA", "RSASSA-PSS"],  # id-RSASSA-PSS: an RSA key restricted to PSS
               "1.2.840.10046.2.1": ["DH", "DH-X9.42"]}  # dhpublicnumber (X9.42)


def with_pqc(t):
    """pqc: the file holds post-quantum material — a PQC key, or a PQC
    signature on a certificate/CSR (read from its signatureAlgorithm)."""
    alg = t.get("algorithm") or ""
    if PQC_RX.search(alg):
        t["pqc"], t["pqc_algorithm"] = True, alg
    elif t.get("pqc_signature"):
        t["pqc"], t["pqc_algorithm"] = True, t["pqc_signature"]
    else:
        t["pqc"] = False
    if t.get("oid") in ALG_ALIASES:
        t["algorithm_any"] = ALG_ALIASES[t["oid"]]
    return t


def signature_pqc(der):
    """The PQC name of a signed structure's signatureAlgorithm, if any."""
    oid = core.load(der)[1][0].dotted
    return {"pqc_signature": PQC_OIDS[oid]} if oid in PQC_OIDS else {}


# ---------------------------------------------------------------- per container

def cert_truth(der):
    c = x509.load_der_x509_certificate(der)
    spki = c.public_key_info_bytes() if hasattr(c, "public_key_info_bytes") else ax.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"].dump()
    oid = spki_oid(spki)
    try:
        f = pub_fields(c.public_key())
    except Exception:
        f = generic_pqc(spki, "spki")
    f["oid"] = oid
    f.update(signature_pqc(der))
    return dict(container="x509_certificate", labels=["certificate"], **f), f"{PYCA} load_der_x509_certificate; {AC} SPKI and signature OIDs"


def csr_truth(der):
    c = x509.load_der_x509_csr(der)
    cri = core.load(der)[0]
    spki = cri[2].dump()
    try:
        f = pub_fields(c.public_key())
    except Exception:
        f = generic_pqc(spki, "spki")
    f["oid"] = spki_oid(spki)
    f.update(signature_pqc(der))
    return dict(container="x509_csr", labels=["certificate"], **f), f"{PYCA} load_der_x509_csr; {AC} SPKI and signature OIDs"


def crl_truth(der):
    x509.load_der_x509_crl(der)
    return dict(container="x509_crl", labels=["certificate"]), f"{PYCA} load_der_x509_crl"


def spki_truth(der):
    oid = spki_oid(der)
    try:
        f = pub_fields(S.load_der_public_key(der))
        how = f"{PYCA} load_der_public_key"
    except Exception:
        f = generic_pqc(der, "spki")
        how = f"{AC} SPKI OID (pyca does not read it)"
    f["oid"] = oid
    return dict(container="spki_public_key", labels=["key_material"], **f), how + f"; {AC} SPKI OID"


def pkcs8_truth(der):
    oid = pkcs8_oid(der)
    try:
        k = S.load_der_private_key(der, None)
        f = pub_fields(k.public_key())
        how = f"{PYCA} load_der_private_key"
    except Exception:
        f = generic_pqc(der, "pkcs8")
        how = f"{AC} PKCS#8 OID (pyca does not read this private-key form)"
    f["oid"] = oid
    return dict(container="pkcs8_private_key", labels=["key_material"], **f), how + f"; {AC} PKCS#8 OID"


def enc_pkcs8_truth(der):
    e = akeys.EncryptedPrivateKeyInfo.load(der)
    e.native
    try:
        k = S.load_der_private_key(der, PASSWORD.encode())
        how = f"{PYCA} load_der_private_key(password)"
        hidden = pub_fields(k.public_key())
    except (ValueError, TypeError):
        # certtool --null-password: PBES2 over an empty password, which pyca refuses to take
        rc, out = openssl(["pkey", "-inform", "DER", "-passin", "pass:", "-noout", "-text"], der)
        if rc:
            raise Skip(out)
        hidden = {"algorithm": out.split()[0]}
        how = "openssl pkey -passin pass: (empty password)"
    return (dict(container="pkcs8_encrypted_private_key", labels=["key_material"], failures=["encrypted"],
                 hidden=hidden), f"{AC} EncryptedPrivateKeyInfo; " + how)


def traditional_truth(label, der, headers):
    """PKCS#1 / SEC1 / DSA private keys (PEM labels RSA/EC/DSA PRIVATE KEY)."""
    alg = {"RSA PRIVATE KEY": "RSA", "EC PRIVATE KEY": "EC", "DSA PRIVATE KEY": "DSA"}[label]
    container = {"RSA": "pkcs1_private_key", "EC": "sec1_private_key", "DSA": "dsa_private_key"}[alg]
    t = dict(labels=["key_material"], algorithm=alg)
    if container:
        t["container"] = container
    if headers.get("Proc-Type", "").endswith("ENCRYPTED"):
        t["failures"] = ["encrypted"]
        return t, f"PEM label {label!r} with Proc-Type ENCRYPTED (RFC 1421); body not decrypted"
    if alg == "RSA":
        k = S.load_der_private_key(der, None)
    elif alg == "EC":
        try:
            k = S.load_der_private_key(der, None)
        except ValueError:
            # certtool writes the private scalar without its leading zero bytes, which pyca refuses
            rc, out = openssl(["ec", "-noout", "-text"], pem(label, der))
            m = re.search(r"ASN1 OID: (\S+)", out)
            if rc or not m:
                raise Skip(out)
            t["curve"] = OSSL_CURVES.get(m.group(1), m.group(1))
            return t, f"openssl ec -text (pyca refuses the key: short private scalar)"
    else:
        v = core.load(der)  # DSAPrivateKey ::= SEQUENCE {version, p, q, g, pub, priv}
        if len(v) != 6:
            raise Skip("not a DSA private key")
        k = S.load_der_private_key(der, None)
    t.update(pub_fields(k.public_key()))
    return t, f"{PYCA} load_der_private_key (traditional {label})"


def pkcs1_pub_truth(der):
    k = S.load_der_public_key(S.load_pem_public_key(pem("RSA PUBLIC KEY", der)).public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo))
    return dict(container="pkcs1_public_key", labels=["key_material"], **pub_fields(k)), f"{PYCA} load_pem_public_key (RSA PUBLIC KEY)"


def pem(label, der):
    b = base64.b64encode(der).decode()
    return (f"-----BEGIN {label}-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + f"\n-----END {label}-----\n").encode()


def openssl(args, data):
    """Runs openssl on `data` given as a file (-in): some decoders of
    OpenSSL 3.0 do not recognise X9.42 DH parameters read from stdin."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".in") as f:
        f.write(data)
        f.flush()
        p = subprocess.run(["openssl", *args, "-in", f.name], capture_output=True)
    return p.returncode, p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")


OSSL_CURVES = {"prime256v1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp224r1": "P-224", "prime192v1": "P-192"}


def params_truth(label, der):
    """DH/DSA/EC domain parameters: `openssl pkeyparam -text` (and
    `openssl ecparam -param_enc named_curve -text`, which names explicit
    parameters that match a built-in curve)."""
    rc, out = openssl(["pkeyparam", "-noout", "-text"], pem(label, der))
    if rc:
        raise Skip(out)
    how = "openssl pkeyparam -text"
    if out.startswith("DH Parameters"):
        t = dict(container="dh_parameters", labels=["key_material"], algorithm="DH")
    elif out.startswith("DSA-Parameters"):
        bits = int(re.match(r"DSA-Parameters: \((\d+) bit\)", out).group(1))
        t = dict(container="dsa_parameters", labels=["key_material"], algorithm="DSA", key_bits=bits)
    elif out.startswith("EC-Parameters"):
        t = dict(container="ec_parameters", labels=["key_material"], algorithm="EC")
        rc, out2 = openssl(["ecparam", "-noout", "-text", "-param_enc", "named_curve"], pem(label, der))
        m = re.search(r"ASN1 OID: (\S+)", out2)
        if m:
            t["curve"] = OSSL_CURVES.get(m.group(1), m.group(1))
            how += "; openssl ecparam -param_enc named_curve -text: " + m.group(1)
    else:
        raise Skip(out[:80])
    return t, how


def der_params_truth(rec, der):
    kind = re.match(r"(dh|dsa|ec)", os.path.basename(rec["path"])).group(1)
    labels = {"dh": ["DH PARAMETERS", "X9.42 DH PARAMETERS"], "dsa": ["DSA PARAMETERS"], "ec": ["EC PARAMETERS"]}[kind]
    for label in labels[:-1]:
        try:
            return params_truth(label, der)
        except Skip:
            pass
    return params_truth(labels[-1], der)


def pkcs7_info(der):
    """(labels, failures, oracle) of a PKCS#7/CMS ContentInfo."""
    ci = acms.ContentInfo.load(der)
    ct = ci["content_type"].native
    if ct == "signed_data":
        sd = ci["content"]
        certs = len(sd["certificates"]) if sd["certificates"].native else 0
        signers = len(sd["signer_infos"])
        labels = (["signature_blob"] if signers else []) + (["certificate"] if certs else [])
        return labels, [], f"{AC} ContentInfo signed_data ({signers} signers, {certs} certificates)"
    if ct in ("enveloped_data", "encrypted_data", "authenticated_enveloped_data"):
        return ["symmetric_ciphertext"], ["encrypted"], f"{AC} ContentInfo {ct}"
    raise Skip(ct)


def pkcs12_truth(der):
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(der, PASSWORD.encode())
    except ValueError:
        key, cert, extra = pkcs12.load_key_and_certificates(der, None)
    pfx = ap12.Pfx.load(der)
    enc = any(ci["content_type"].native == "encrypted_data" for ci in pfx.authenticated_safe)
    # a shrouded key bag is encrypted too
    shrouded = False
    for ci in pfx.authenticated_safe:
        if ci["content_type"].native == "data":
            for bag in ap12.SafeContents.load(ci["content"].native):
                shrouded |= bag["bag_id"].native == "pkcs8_shrouded_key_bag"
    labels = (["key_material"] if key else []) + (["certificate"] if (cert or extra) else [])
    t = dict(container="pkcs12", labels=labels)
    if enc or shrouded:
        t["failures"] = ["encrypted"]
    if key:
        t["hidden"] = pub_fields(key.public_key())
    return t, f"{PYCA} pkcs12.load_key_and_certificates(password); {AC} Pfx safe types"


def ocsp_truth(der, kind):
    from asn1crypto import ocsp as aocsp
    cls = aocsp.OCSPRequest if kind == "request" else aocsp.OCSPResponse
    v = cls.load(der, strict=True)
    v.native
    try:
        (ocsp.load_der_ocsp_request if kind == "request" else ocsp.load_der_ocsp_response)(der)
        how = f"{PYCA} load_der_ocsp_{kind}; "
    except NotImplementedError:
        how = ""
    return dict(container=f"ocsp_{kind}", labels=["certificate"]), how + f"{AC} {cls.__name__} strict decode"


def cross_pair_truth(der):
    class CertificatePair(core.Sequence):
        _fields = [("forward", ax.Certificate, {"explicit": 0, "optional": True}),
                   ("reverse", ax.Certificate, {"explicit": 1, "optional": True})]
    p = CertificatePair.load(der, strict=True)
    p.native
    return dict(container="cross_certificate_pair", labels=["certificate"]), f"{AC} CertificatePair (X.509 §11.2.3) strict decode"


# ---------------------------------------------------------------- SSH / PuTTY / dropbear

SSH_ALG = {"ssh-rsa": "RSA", "ssh-dss": "DSA", "ssh-ed25519": "Ed25519", "ssh-ed448": "Ed448",
           "ecdsa-sha2-nistp256": "EC", "ecdsa-sha2-nistp384": "EC", "ecdsa-sha2-nistp521": "EC"}
SSH_CURVE = {"ecdsa-sha2-nistp256": "P-256", "ecdsa-sha2-nistp384": "P-384", "ecdsa-sha2-nistp521": "P-521"}


def ssh_keygen_l(path):
    """`ssh-keygen -l -f` of each key in a file → [(bits, type)]."""
    p = subprocess.run(["ssh-keygen", "-l", "-f", path], capture_output=True, text=True)
    if p.returncode:
        raise Skip(p.stderr)
    out = []
    for line in p.stdout.splitlines():
        m = re.match(r"(\d+) \S+ .*\((\S+)\)$", line)
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return out


def ssh_fields(bits, typ):
    typ = typ.replace("-CERT", "")
    alg = {"RSA": "RSA", "DSA": "DSA", "ED25519": "Ed25519", "ECDSA": "EC", "ED448": "Ed448"}[typ]
    f = {"algorithm": alg}
    if alg in ("RSA", "DSA"):
        f["key_bits"] = bits
    if alg == "EC":
        f["curve"] = {256: "P-256", 384: "P-384", 521: "P-521"}[bits]
    return f


def ssh_public_truth(path, data):
    keys = ssh_keygen_l(path)
    if not keys:
        raise Skip("ssh-keygen -l found no key")
    text = data.decode()
    if "-cert-v01@openssh.com" in text.split()[0]:
        p = subprocess.run(["ssh-keygen", "-L", "-f", path], capture_output=True, text=True)
        if p.returncode:
            raise Skip(p.stderr)
        t = dict(container="openssh_certificate", labels=["key_material", "certificate"], **ssh_fields(*keys[0]))
        return t, "ssh-keygen -l; ssh-keygen -L (certificate)"
    t = dict(container="openssh_public_key", labels=["key_material"])
    if len({(b, ty) for b, ty in keys}) == 1:
        t.update(ssh_fields(*keys[0]))
    return t, f"ssh-keygen -l ({len(keys)} key(s))"


PUTTY_TYPES = {"ssh-rsa": "RSA", "ssh-dss": "DSA", "ssh-ed25519": "Ed25519", "ssh-ed448": "Ed448",
               "ecdsa-sha2-nistp256": "EC", "ecdsa-sha2-nistp384": "EC", "ecdsa-sha2-nistp521": "EC"}


def puttygen_l(path, passfile=None):
    """`puttygen -l`: '<type> <bits> <fingerprint> <comment>'."""
    args = ["puttygen", path, "-l"]
    if passfile:
        args += ["--old-passphrase", passfile]
    p = subprocess.run(args, capture_output=True, text=True)
    m = re.match(r"(\S+) (\d+) ", p.stdout)
    if p.returncode or not m:
        raise Skip(p.stderr or p.stdout)
    typ, bits = m.group(1), int(m.group(2))
    f = {"algorithm": PUTTY_TYPES[typ]}
    if f["algorithm"] in ("RSA", "DSA"):
        f["key_bits"] = bits
    if typ in SSH_CURVE:
        f["curve"] = SSH_CURVE[typ]
    return f


def rfc4716_truth(path):
    return dict(container="openssh_public_key", labels=["key_material"], **puttygen_l(path)), "puttygen -l (reads RFC 4716)"


def openssh_private_truth(data):
    try:
        k = S.load_ssh_private_key(data, None)
        f = pub_fields(k.public_key())
        return dict(container="openssh_private_key", labels=["key_material"], encoding="pem", **f), f"{PYCA} load_ssh_private_key"
    except TypeError:
        k = S.load_ssh_private_key(data, PASSWORD.encode())
        f = pub_fields(k.public_key())
        return (dict(container="openssh_private_key", labels=["key_material"], encoding="pem", failures=["encrypted"], **f),
                f"{PYCA} load_ssh_private_key: password-protected; loaded with the password")


def puttygen_truth(path, data):
    """.ppk (PuTTY) and ssh.com private keys: puttygen -l."""
    # encrypted = puttygen cannot export the private key with an empty passphrase
    probe = subprocess.run(["puttygen", path, "-O", "text", "--old-passphrase", "/dev/null", "-o", "/dev/null"],
                           capture_output=True, text=True)
    encrypted = probe.returncode != 0
    pw = None
    if encrypted:
        pw = os.path.join(os.path.dirname(MANIFEST), ".pw.tmp")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
    try:
        f = puttygen_l(path, pw or "/dev/null")
    finally:
        if pw:
            os.remove(pw)
    t = dict(container=("putty_private_key" if data.startswith(b"PuTTY-User-Key-File-") else "sshcom_private_key"),
             labels=["key_material"], **f)
    if encrypted:
        t["failures"] = ["encrypted"]
    return t, "puttygen -l" + (" (passphrase given)" if encrypted else "")


def dropbear_truth(path):
    p = subprocess.run(["dropbearkey", "-y", "-f", path], capture_output=True, text=True)
    line = [l for l in p.stdout.splitlines() if l.startswith(("ssh-", "ecdsa-"))]
    if p.returncode or not line:
        raise Skip(p.stderr)
    k = S.load_ssh_public_key(" ".join(line[0].split()[:2]).encode())
    return dict(container="dropbear_private_key", labels=["key_material"], **pub_fields(k)), "dropbearkey -y; " + PYCA + " load_ssh_public_key"


# ---------------------------------------------------------------- hashes

def hash_truth(rec, data):
    text = data.decode().strip()
    scheme = rec["intent"]["scheme"]
    from passlib import hash as ph
    import crypt as _crypt
    PW = "correct horse battery staple"
    lines = text.splitlines()
    if scheme == "shadow":
        hashes = [l.split(":")[1] for l in lines if l.split(":")[1] not in ("*", "!", "")]
        ok = all(_crypt.crypt(PW, h) == h for h in hashes)
        if not ok:
            raise Skip("libxcrypt does not verify the shadow hashes")
        return dict(labels=["hash_kdf_material"], container="password_hash"), "libxcrypt crypt(3) verifies every shadow hash"
    if scheme == "apr1" and len(lines) > 1:
        hs = [l.split(":", 1)[1] for l in lines]
        if not all(ph.apr_md5_crypt.verify(PW, h) for h in hs):
            raise Skip("passlib does not verify")
        return dict(labels=["hash_kdf_material"], container="password_hash", hashcat_mode=1600), "passlib apr_md5_crypt.verify (every line)"
    h = text
    passlib_name = {"md5crypt": "md5_crypt", "apr1": "apr_md5_crypt", "sha256crypt": "sha256_crypt", "sha512crypt": "sha512_crypt",
                    "descrypt": "des_crypt", "bsdicrypt": "bsdi_crypt", "sunmd5": "sun_md5_crypt"}.get(scheme, scheme)
    how = None
    if scheme.startswith("argon2"):
        if not ph.argon2.identify(h) or not h.startswith(f"${scheme}$"):
            raise Skip("passlib argon2.identify")
        how = "passlib argon2.identify"
    elif scheme in ("yescrypt", "gost-yescrypt", "scrypt", "bcrypt", "bcrypt-a") and not h.startswith("$scrypt$"):
        if _crypt.crypt(PW, h) != h:
            raise Skip("libxcrypt crypt(3) does not verify")
        how = "libxcrypt crypt(3) verifies"
    else:
        cls = getattr(ph, passlib_name)
        if not cls.verify(PW, h):
            raise Skip(f"passlib {passlib_name}.verify")
        how = f"passlib {passlib_name}.verify"
    t = dict(labels=["hash_kdf_material"], container="password_hash")
    mode = HASHCAT[scheme]
    if mode is not None:
        t["hashcat_mode"] = mode
    return t, how + "; hashcat mode from hashcat 6.2.6's mode list"


# ---------------------------------------------------------------- malformed

def typed_verdict(der, cls):
    """asn1crypto's strict decode with the structure's schema: 'ok', 'not_der'
    (decodes as BER, re-encodes to other bytes) or the error message."""
    try:
        v = cls.load(der, strict=True)
        v.native
        return "ok" if v.dump(force=True) == der else "not_der"
    except Exception as e:
        return str(e).split("\n")[0]


def pyca_verdict(der, kind):
    """pyca/cryptography's DER parser (rust-asn1, strict DER): 'ok' or the error."""
    try:
        if kind == "cert":
            x509.load_der_x509_certificate(der).public_key()
        elif kind == "csr":
            x509.load_der_x509_csr(der).public_key()
        elif kind == "crl":
            x509.load_der_x509_crl(der)
        elif kind == "spki":
            S.load_der_public_key(der)
        elif kind == "pkcs8":
            S.load_der_private_key(der, None)
        elif kind == "ecdsa_sig":
            from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
            decode_dss_signature(der)
        return "ok"
    except Exception as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"


def schema(kind):
    from asn1crypto import algos, crl, csr
    return {"cert": ax.Certificate, "csr": csr.CertificationRequest, "crl": crl.CertificateList, "spki": akeys.PublicKeyInfo,
            "pkcs8": akeys.PrivateKeyInfo, "ecdsa_sig": algos.DSASignature}[kind]


def source_kind(rec, label):
    i = rec["intent"]
    if "wycheproof" in i:
        f = i["wycheproof"]["file"]
        return "ecdsa_sig" if f.startswith("ecdsa") else "spki"
    src = i["source"]
    if label in ("PRIVATE KEY",) or ".pkcs8." in src:
        return "pkcs8"
    if label == "PUBLIC KEY" or ".spki." in src:
        return "spki"
    if "/csr/" in "/" + src:
        return "csr"
    if "/crl/" in "/" + src:
        return "crl"
    return "cert"


CONFIRM = {
    "truncated": lambda v: v.startswith("Insufficient data"),
    "trailing_data": lambda v: v.startswith("Extra data"),
    "ber_not_der": lambda v: v == "not_der" or v.startswith("Non-minimal"),
    "length_overflow": lambda v: v.startswith("Insufficient data") or "length" in v.lower(),
    "bad_tag": lambda v: "should have been" in v or "does not match" in v,
    # pyca's rejection (checked first) is the confirmation of these; asn1crypto is lenient about them
    "malformed_header": lambda v: True,
    "bad_bit_string": lambda v: True,
    "bad_version": lambda v: True,
    "invalid_value": lambda v: True,
}


def unreduced(ek):
    """FIPS 203 ByteDecode_12 of an encapsulation key's t-hat: is any
    coefficient ≥ q = 3329 (the input check of ML-KEM.Encaps)?"""
    body = ek[:-32]
    for i in range(0, len(body) - 2, 3):
        b0, b1, b2 = body[i], body[i + 1], body[i + 2]
        if (b0 | (b1 & 0x0F) << 8) >= 3329 or ((b1 >> 4) | b2 << 4) >= 3329:
            return True
    return False


def malformed_truth(rec, data):
    shape = rec["intent"]["shape"]
    if shape == "bad_pem_armor":
        if PEM_RX.search(data):
            raise Skip("PEM still parses")
        return dict(failures=[shape]), "no complete RFC 7468 BEGIN/END pair with the same label"
    if shape == "bad_base64":
        m = re.search(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END", data, re.S)
        try:
            base64.b64decode(b"".join(m.group(2).split()), validate=True)
        except (ValueError, base64.binascii.Error) as e:
            return dict(failures=[shape]), f"Python base64.b64decode(validate=True): {e}"
        raise Skip("base64 still valid")
    blocks = pem_blocks(data)
    der, label = (blocks[0][1], blocks[0][0]) if blocks else (data, None)
    if shape == "truncated" and label == "OPENSSH PRIVATE KEY":
        try:
            S.load_ssh_private_key(data, None)
        except ValueError as e:
            return dict(failures=[shape]), f"{PYCA} load_ssh_private_key: {e}"
        raise Skip("still loads")
    if shape == "unknown_oid":
        rc, out = openssl(["asn1parse", "-inform", "DER"], der)
        if rc or "Error" in out:
            raise Skip("openssl asn1parse cannot walk it")
        oids = re.findall(r"OBJECT\s+:(\S+)", out)
        if not any(re.fullmatch(r"[\d.]+", o) for o in oids):
            raise Skip(f"openssl names every OID: {oids}")
        return dict(failures=[shape]), "openssl asn1parse walks it and leaves the algorithm OID unnamed (" + \
            ",".join(o for o in oids if re.fullmatch(r"[\d.]+", o)) + ")"
    if shape == "unreduced_coefficient":
        rc, out = openssl(["asn1parse", "-inform", "DER"], der)
        if rc or "Error" in out:
            raise Skip("openssl asn1parse cannot walk it")
        t = core.load(der)
        alg = PQC_OIDS.get(t[0][0].dotted)
        ek = t[1].contents[1:]
        if not alg or len(ek) != PQC_PK[alg] or not unreduced(ek):
            raise Skip("coefficients reduced")
        return (dict(failures=[shape], algorithm=alg),
                f"Wycheproof ModulusOverflow; {AC} SPKI of {alg}; FIPS 203 ByteDecode12 finds a coefficient ≥ 3329")
    if shape == "point_not_on_curve":
        kind = source_kind(rec, label)
        v = typed_verdict(der, schema(kind))
        pv = pyca_verdict(der, kind)
        if v != "ok" or pv == "ok":
            raise Skip(f"asn1crypto {v!r}, pyca {pv!r}")
        return dict(failures=[shape]), f"{AC} strict decode ok; {PYCA} refuses the point: {pv}"
    if shape == "bad_length":
        rc, out = openssl(["asn1parse", "-inform", "DER"], der)
        if rc or "Error" in out:
            raise Skip("openssl asn1parse cannot walk it")
        t = core.load(der)
        if isinstance(t[0], core.Sequence):  # SPKI
            alg = PQC_OIDS.get(t[0][0].dotted)
            n = len(t[1].contents) - 1
            if not alg or n == PQC_PK[alg]:
                raise Skip("size fits")
            return dict(failures=[shape], algorithm=alg), f"{AC}: SPKI of {alg} holds a {n}-byte key, FIPS size {PQC_PK[alg]}"
        from asn1crypto import parser
        alg = PQC_OIDS.get(t[1][0].dotted)
        inner = parser.parse(t[2].contents)  # (class, method, tag, header, contents, trailer)
        n = len(inner[4])
        if not alg or n == PQC_SEED[alg] or inner[2] != 0:
            raise Skip("seed size fits")
        return dict(failures=[shape], algorithm=alg), f"{AC}: PKCS#8 of {alg} holds a {n}-byte seed, FIPS size {PQC_SEED[alg]}"
    kind = source_kind(rec, label)
    v = typed_verdict(der, schema(kind))
    pv = pyca_verdict(der, kind)
    if pv == "ok":
        raise Skip(f"pyca reads it: {shape} not confirmed")
    if shape == "ber_not_der" and v != "not_der":
        # asn1crypto's schemas trip over some BER; openssl asn1parse reads BER
        rc, out = openssl(["asn1parse", "-inform", "DER"], der)
        if rc == 0 and "Error" not in out:
            v = "openssl asn1parse reads it as BER"
    if not CONFIRM[shape](v) and not (shape == "ber_not_der" and v.startswith("openssl")):
        raise Skip(f"asn1crypto says {v!r}, not {shape}")
    return dict(failures=[shape]), f"{AC} strict decode as {schema(kind).__name__}: {v}; {PYCA}: {pv}"


# ---------------------------------------------------------------- dispatch

def truth_for(rec):
    fam = rec["family"]
    if rec.get("external"):
        libs, how = elf_truth.truth(rec["path"])
        return dict(labels=["binary_target"], container="elf", libraries=libs, pqc=False), how
    path = os.path.join(FILES, rec["path"])
    with open(path, "rb") as f:
        data = f.read()
    name = os.path.basename(rec["path"])

    if fam in ("malformed", "malformed_wycheproof"):
        t, how = malformed_truth(rec, data)
        # classical sources: no PQC claim allowed; PQC sources: the scheme must still be named
        src = rec["intent"].get("source", "") + json.dumps(rec["intent"].get("wycheproof", {}))
        if t.get("algorithm") and PQC_RX.search(t["algorithm"]):
            t["pqc"], t["pqc_algorithm"] = True, t["algorithm"]
        elif not re.search(r"pqc/|mldsa|mlkem", src):
            t["pqc"] = False
        if rec.get("intent", {}).get("wycheproof"):
            w = rec["intent"]["wycheproof"]
            how = f"Wycheproof {w['file']} tcId {w['tcId']} {w['flags']} '{w['comment']}' → {rec['intent']['shape']}; " + how
        return t, how
    if fam == "hash":
        t, how = hash_truth(rec, data)
        t["pqc"] = False
        return t, how
    if fam == "confuser":
        t = dict(pqc=False, no_algorithm=True)
        if "/compressed/" in rec["path"]:
            t["labels"] = ["compressed"]
        elif "/text/" in rec["path"]:
            t["labels"] = ["plaintext"]
        return t, "non-crypto file (" + rec["made_by"].split(":")[0] + "); label by its kind"
    if fam in ("pqc_raw", "wycheproof_pqc_invalid") or (fam == "wycheproof_valid" and "pqc_object" in rec.get("intent", {})):
        i = rec["intent"]
        t = dict(pqc=True, pqc_algorithm=i["pqc_algorithm"], pqc_object=i["pqc_object"])
        if fam == "wycheproof_pqc_invalid":
            # a structurally invalid blob: DESIGN §9 forbids concluding a candidate whose structure
            # check failed, so naming the scheme is not required; valid_structure (and the shape) is
            del t["pqc"]
        if "valid_structure" in i:
            t["valid_structure"] = i["valid_structure"]
        if i.get("shape") == "unreduced_coefficient":
            if not unreduced(data):
                raise Skip("coefficients reduced")
            t["failures"] = ["unreduced_coefficient"]
        src = "Wycheproof vector" if fam.startswith("wycheproof") else rec["made_by"].split(";")[0]
        return t, f"{src}: the parameter set the bytes were made for / tested as"
    if fam == "wycheproof_valid" and name.endswith(".sig.der"):
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        decode_dss_signature(data)
        from asn1crypto import algos
        if typed_verdict(data, algos.DSASignature) != "ok":
            raise Skip("not DER")
        return dict(labels=["signature_blob"], encoding="der", pqc=False, failures=[]), f"{PYCA} decode_dss_signature; {AC} strict DER"

    if fam == "openpgp":
        return openpgp_truth.truth(data)

    # text formats first
    if fam == "public_key" and (name.endswith((".pub",)) or name.startswith(("authorized_keys", "known_hosts"))) \
            and not data.startswith(b"-----BEGIN"):
        if data.startswith(b"---- BEGIN SSH2 PUBLIC KEY"):
            t, how = rfc4716_truth(path)
        else:
            t, how = ssh_public_truth(path, data)
        return with_pqc(dict(t, failures=[])), how
    if data.startswith(b"PuTTY-User-Key-File") or data.startswith(b"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY"):
        t, how = puttygen_truth(path, data)
        t.setdefault("failures", [])
        return with_pqc(t), how
    if "dropbear_" in name and name.endswith("_host_key"):
        t, how = dropbear_truth(path)
        return with_pqc(dict(t, failures=[])), how
    if fam == "smime":
        m = re.search(rb"Content-Type: application/(x-)?pkcs7-(mime|signature).*?\r?\n\r?\n(.*?)(\r?\n\r?\n|\r?\n------|$)", data, re.S)
        if not m:
            raise Skip("no PKCS#7 part")
        der = base64.b64decode(b"".join(m.group(3).split()))
        labels, failures, how = pkcs7_info(der)
        return dict(container="smime", labels=labels, failures=failures, pqc=False), "S/MIME part decoded; " + how

    blocks = pem_blocks(data)
    if blocks:
        label, der, headers = blocks[0]
        if len(blocks) > 1:
            if not all(b[0] == "CERTIFICATE" for b in blocks):
                raise Skip("mixed bundle")
            for b in blocks:
                x509.load_der_x509_certificate(b[1])
            return (dict(container="pem_bundle", labels=["certificate"], encoding="pem", pqc=False, failures=[]),
                    f"{PYCA} load_der_x509_certificate × {len(blocks)}")
        enc = "pem"
    else:
        label, der, headers, enc = None, data, {}, "der"
    kind = pem_kind(label) if label else der_kind(rec, der)
    if kind == "cert":
        t, how = cert_truth(der)
    elif kind == "csr":
        t, how = csr_truth(der)
    elif kind == "crl":
        t, how = crl_truth(der)
    elif kind == "spki":
        t, how = spki_truth(der)
    elif kind == "pkcs8":
        t, how = pkcs8_truth(der)
    elif kind == "enc_pkcs8":
        t, how = enc_pkcs8_truth(der)
    elif kind == "traditional":
        if label is None:
            label = {"RSA": "RSA PRIVATE KEY", "EC": "EC PRIVATE KEY", "DSA": "DSA PRIVATE KEY"}[traditional_alg(der)]
        t, how = traditional_truth(label, der, headers)
    elif kind == "pkcs1_pub":
        t, how = pkcs1_pub_truth(der)
    elif kind == "params":
        t, how = params_truth(label, der) if label else der_params_truth(rec, der)
    elif kind == "openssh_private":
        t, how = openssh_private_truth(data)
    elif kind == "pkcs7":
        labels, failures, how = pkcs7_info(der)
        t = dict(labels=labels, failures=failures)
        if label == "PKCS7":
            t["container"] = "pkcs7"
        elif label == "CMS":
            t["container"] = "cms"
        else:
            t["container_any"] = ["pkcs7", "cms"]
    elif kind == "pkcs12":
        t, how = pkcs12_truth(der)
    elif kind == "ocsp_request":
        t, how = ocsp_truth(der, "request")
    elif kind == "ocsp_response":
        t, how = ocsp_truth(der, "response")
    elif kind == "cross_pair":
        t, how = cross_pair_truth(der)
    else:
        raise Skip(f"no oracle for {kind}")
    t.setdefault("encoding", enc)
    t.setdefault("failures", [])
    if fam == "wycheproof_valid" and "pqc_algorithm" in rec.get("intent", {}):
        if t.get("algorithm") != rec["intent"]["pqc_algorithm"]:
            fail(rec, f"oracle says {t.get('algorithm')}, Wycheproof says {rec['intent']['pqc_algorithm']}")
    return with_pqc(t), how


def pem_kind(label):
    return {"CERTIFICATE": "cert", "TRUSTED CERTIFICATE": "cert", "CERTIFICATE REQUEST": "csr", "NEW CERTIFICATE REQUEST": "csr",
            "X509 CRL": "crl", "PUBLIC KEY": "spki", "PRIVATE KEY": "pkcs8", "ENCRYPTED PRIVATE KEY": "enc_pkcs8",
            "RSA PRIVATE KEY": "traditional", "EC PRIVATE KEY": "traditional", "DSA PRIVATE KEY": "traditional",
            "RSA PUBLIC KEY": "pkcs1_pub", "DH PARAMETERS": "params", "X9.42 DH PARAMETERS": "params", "DSA PARAMETERS": "params",
            "EC PARAMETERS": "params", "OPENSSH PRIVATE KEY": "openssh_private", "PKCS7": "pkcs7", "CMS": "pkcs7"}.get(label, label)


def traditional_alg(der):
    v = core.load(der)
    if len(v) == 9:
        return "RSA"
    if len(v) == 6:
        return "DSA"
    return "EC"


def der_kind(rec, der):
    """Which DER structure the file is, decided by the oracles: the first
    parser (most specific first) that reads the whole file."""
    p = rec["path"]
    fam = rec["family"]
    if fam == "params":
        return "params"
    if fam == "cross_pair":
        return "cross_pair"
    if fam == "ocsp":
        return "ocsp_request" if "/request" in p else "ocsp_response"
    if fam == "pkcs12":
        return "pkcs12"
    if fam == "pkcs7":
        return "pkcs7"
    tries = [("cert", lambda: x509.load_der_x509_certificate(der)), ("csr", lambda: x509.load_der_x509_csr(der)),
             ("crl", lambda: x509.load_der_x509_crl(der)), ("enc_pkcs8", lambda: akeys.EncryptedPrivateKeyInfo.load(der, strict=True).native),
             ("spki", lambda: (core.load(der)[0][0].dotted, core.load(der)[1].__class__ is core.BitString) and
              isinstance(core.load(der)[1], core.BitString) or (_ for _ in ()).throw(ValueError())),
             ("pkcs8", lambda: isinstance(core.load(der)[2], core.OctetString) and core.load(der)[0].native == 0 or (_ for _ in ()).throw(ValueError())),
             ("pkcs1_pub", lambda: len(core.load(der)) == 2 and S.load_der_public_key(der)),
             ("traditional", lambda: S.load_der_private_key(der, None))]
    for kind, fn in tries:
        try:
            if fn():
                return kind
        except Exception:
            continue
    if fam == "cross_pair":
        return "cross_pair"
    return "unknown"


def main():
    recs = [json.loads(l) for l in open(MANIFEST) if l.strip()]
    out, errors = [], 0
    for rec in recs:
        try:
            t, how = truth_for(rec)
        except Skip as e:
            print(f"truth: {rec['path']}: no truth ({e}); fix the generator", file=sys.stderr)
            errors += 1
            continue
        except SystemExit:
            raise
        except Exception as e:
            print(f"truth: {rec['path']}: oracle failed: {type(e).__name__}: {e}", file=sys.stderr)
            errors += 1
            continue
        row = {"path": rec["path"], "family": rec["family"], "made_by": rec["made_by"], "oracle": how}
        if rec.get("external"):
            row["external"] = True
            row["sha256"] = rec["intent"]["sha256"]
            row["package"] = rec["intent"]["package"]
        row["expect"] = t
        out.append(row)
    if errors:
        raise SystemExit(f"truth: {errors} file(s) without truth")
    out.sort(key=lambda r: (r["family"], r["path"]))
    with open(TRUTH, "w") as f:
        for r in out:
            f.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"truth: {len(out)} files → {os.path.relpath(TRUTH)}", file=sys.stderr)


if __name__ == "__main__":
    main()
