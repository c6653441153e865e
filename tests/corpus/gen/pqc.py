"""Post-quantum keys, certificates, CSRs, signatures and ciphertexts.

- pyca/cryptography (its wheel bundles OpenSSL with ML-KEM and ML-DSA):
  ML-DSA-44/65/87 and ML-KEM-768/1024 keys from fixed seeds, PKCS#8 (seed
  form) and SPKI in PEM and DER; raw signatures and ciphertexts.
- Certificates and CSRs with ML-DSA and ML-KEM keys: pyca signs (ML-DSA), the
  TBS structure is encoded by der.py/asn1crypto (no tool here builds them:
  OpenSSL 3.0's CLI lacks ML-DSA and pyca's CertificateBuilder refuses PQC
  public keys).
- pqcrypto (PyPI, PQClean-derived): raw ML-KEM-512/768/1024, ML-DSA,
  SLH-DSA, HQC and sntrup761 keys/ciphertexts/signatures; ML-KEM-512 and
  ML-DSA-44 expanded private keys wrapped in PKCS#8 (`expandedKey` form of
  draft-ietf-lamps-kyber-certificates / dilithium-certificates).
"""

import datetime

import cryptography
from asn1crypto import x509 as ax
from cryptography.hazmat.primitives import serialization as S
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, mlkem

import der
from common import det_bytes, emit

PYCA = f"pyca/cryptography {cryptography.__version__}"
try:
    import pqcrypto
    PQCRYPTO = f"pqcrypto {pqcrypto.__version__}"
except ImportError:
    pqcrypto = None

# NIST CSOR algorithm OIDs (FIPS 203/204/205 registrations)
OIDS = {
    "ML-DSA-44": "2.16.840.1.101.3.4.3.17", "ML-DSA-65": "2.16.840.1.101.3.4.3.18", "ML-DSA-87": "2.16.840.1.101.3.4.3.19",
    "ML-KEM-512": "2.16.840.1.101.3.4.4.1", "ML-KEM-768": "2.16.840.1.101.3.4.4.2", "ML-KEM-1024": "2.16.840.1.101.3.4.4.3",
}
DSA = {"ML-DSA-44": mldsa.MLDSA44PrivateKey, "ML-DSA-65": mldsa.MLDSA65PrivateKey, "ML-DSA-87": mldsa.MLDSA87PrivateKey}
KEM = {"ML-KEM-768": mlkem.MLKEM768PrivateKey, "ML-KEM-1024": mlkem.MLKEM1024PrivateKey}


def pyca_keys():
    keys = {}
    for alg, cls in list(DSA.items()) + list(KEM.items()):
        seedlen = 32 if alg.startswith("ML-DSA") else 64
        for i in range(2):
            k = cls.from_seed_bytes(det_bytes(f"{alg}-{i}", seedlen))
            keys[(alg, i)] = k
            tag = alg.lower().replace("-", "")
            made = f"{PYCA}: {cls.__name__}.from_seed_bytes(fixed seed)"
            if i == 0:
                emit("pqc_container", f"pqc/pyca/{tag}-{i}.pkcs8.pem", k.private_bytes(S.Encoding.PEM, S.PrivateFormat.PKCS8, S.NoEncryption()),
                     made + "; private_bytes(PEM, PKCS8) (seed form)", pqc_algorithm=alg)
                emit("pqc_container", f"pqc/pyca/{tag}-{i}.spki.pem", k.public_key().public_bytes(S.Encoding.PEM, S.PublicFormat.SubjectPublicKeyInfo),
                     made + "; public_bytes(PEM, SPKI)", pqc_algorithm=alg)
            else:
                emit("pqc_container", f"pqc/pyca/{tag}-{i}.pkcs8.der", k.private_bytes(S.Encoding.DER, S.PrivateFormat.PKCS8, S.NoEncryption()),
                     made + "; private_bytes(DER, PKCS8) (seed form)", pqc_algorithm=alg)
                emit("pqc_container", f"pqc/pyca/{tag}-{i}.spki.der", k.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo),
                     made + "; public_bytes(DER, SPKI)", pqc_algorithm=alg)
        k = keys[(alg, 0)]
        tag = alg.lower().replace("-", "")
        if alg.startswith("ML-DSA"):
            sig = k.sign(b"fx corpus: a message signed with " + alg.encode())
            emit("pqc_raw", f"pqc/pyca/{tag}.sig", sig, f"{PYCA}: {alg} sign (raw signature)", pqc_algorithm=alg, pqc_object="signature")
        else:
            ss, ct = k.public_key().encapsulate()
            emit("pqc_raw", f"pqc/pyca/{tag}.ct", ct, f"{PYCA}: {alg} encapsulate (raw ciphertext)", pqc_algorithm=alg, pqc_object="ciphertext")
        emit("pqc_raw", f"pqc/pyca/{tag}.pub.raw", k.public_key().public_bytes_raw(), f"{PYCA}: {alg} public_bytes_raw",
             pqc_algorithm=alg, pqc_object="public_key")
    return keys


def name(cn):
    return ax.Name.build({"organization_name": "fx corpus", "common_name": cn}).dump()


def validity():
    return der.seq(der.utctime("260101000000Z"), der.utctime("360101000000Z"))


def extensions(ca):
    exts = [{"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": ca}},
            {"extn_id": "key_usage", "critical": True,
             "extn_value": {"key_cert_sign", "crl_sign", "digital_signature"} if ca else {"key_encipherment"}}]
    return der.explicit(3, ax.Extensions(exts).dump())


def certificate(serial, issuer_cn, subject_cn, spki, signer, signer_alg, ca):
    tbs = der.seq(der.explicit(0, der.integer(2)), der.integer(serial), der.alg(OIDS[signer_alg]), name(issuer_cn),
                  validity(), name(subject_cn), spki, extensions(ca))
    return der.seq(tbs, der.alg(OIDS[signer_alg]), der.bits(signer.sign(tbs)))


def pem(label, data):
    import base64
    b = base64.b64encode(data).decode()
    return f"-----BEGIN {label}-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + f"\n-----END {label}-----\n"


def pqc_certs(keys):
    made = f"{PYCA} (ML-DSA signature) + der.py/asn1crypto (TBS encoding)"
    serial = 0x5100
    cas = {}
    for alg in DSA:
        k = keys[(alg, 0)]
        spki = k.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo)
        cn = f"fx corpus {alg} root"
        cert = certificate(serial, cn, cn, spki, k, alg, True)
        serial += 1
        cas[alg] = cn
        tag = alg.lower().replace("-", "")
        emit("pqc_container", f"pqc/certs/{tag}-selfsigned.der", cert, made, pqc_algorithm=alg)
        emit("pqc_container", f"pqc/certs/{tag}-selfsigned.pem", pem("CERTIFICATE", cert), made + ", PEM", pqc_algorithm=alg)
    # KEM end-entity certificates signed by the ML-DSA-65 root
    for alg in KEM:
        k = keys[(alg, 1)]
        spki = k.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo)
        cert = certificate(serial, cas["ML-DSA-65"], f"fx corpus {alg} end entity", spki, keys[("ML-DSA-65", 0)], "ML-DSA-65", False)
        serial += 1
        tag = alg.lower().replace("-", "")
        emit("pqc_container", f"pqc/certs/{tag}-ee-by-mldsa65.der", cert, made, pqc_algorithm=alg)
    # an ML-DSA-44 end entity signed by ML-DSA-87, and a classical P-256 key certified by ML-DSA-44
    k = keys[("ML-DSA-44", 1)]
    cert = certificate(serial, cas["ML-DSA-87"], "fx corpus ML-DSA-44 end entity",
                       k.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo), keys[("ML-DSA-87", 0)], "ML-DSA-87", False)
    serial += 1
    emit("pqc_container", "pqc/certs/mldsa44-ee-by-mldsa87.pem", pem("CERTIFICATE", cert), made + ", PEM", pqc_algorithm="ML-DSA-44")
    ec_key = ec.derive_private_key(int.from_bytes(det_bytes("pqc-ec", 31), "big"), ec.SECP256R1())
    cert = certificate(serial, cas["ML-DSA-44"], "fx corpus P-256 end entity under ML-DSA",
                       ec_key.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo), keys[("ML-DSA-44", 0)], "ML-DSA-44", False)
    emit("x509_cert", "pqc/certs/p256-ee-by-mldsa44.der", cert, made + " (P-256 subject key, ML-DSA-44 issuer signature)")
    # CSRs: CertificationRequestInfo signed with ML-DSA
    for alg in DSA:
        k = keys[(alg, 1)]
        spki = k.public_key().public_bytes(S.Encoding.DER, S.PublicFormat.SubjectPublicKeyInfo)
        cri = der.seq(der.integer(0), name(f"fx corpus {alg} csr"), spki, der.tlv(0xA0, b""))
        csr = der.seq(cri, der.alg(OIDS[alg]), der.bits(k.sign(cri)))
        tag = alg.lower().replace("-", "")
        emit("pqc_container", f"pqc/csr/{tag}.csr.pem", pem("CERTIFICATE REQUEST", csr), made.replace("TBS", "CertificationRequestInfo"),
             pqc_algorithm=alg)


PQCRYPTO_NAMES = {
    "ml_kem_512": "ML-KEM-512", "ml_kem_768": "ML-KEM-768", "ml_kem_1024": "ML-KEM-1024",
    "ml_dsa_44": "ML-DSA-44", "ml_dsa_65": "ML-DSA-65", "ml_dsa_87": "ML-DSA-87",
    "slh_dsa_sha2_128s": "SLH-DSA-SHA2-128s", "slh_dsa_sha2_128f": "SLH-DSA-SHA2-128f",
    "slh_dsa_sha2_192s": "SLH-DSA-SHA2-192s", "slh_dsa_shake_256f": "SLH-DSA-SHAKE-256f",
    "hqc_128": "HQC-128", "sntrup_761": "sntrup761",
}


def pqcrypto_raw():
    if pqcrypto is None:
        raise SystemExit("pqc: pip install pqcrypto")
    for modname, alg in PQCRYPTO_NAMES.items():
        m = getattr(pqcrypto, modname)
        pk, sk = m.keygen()
        pk, sk = bytes(pk), bytes(sk)
        made = f"{PQCRYPTO}: {modname}.keygen()"
        d = "pqc/pqcrypto"
        if alg.startswith("SLH-DSA"):
            # public keys of 32-64 bytes carry no geometry worth scoring; the signature does
            sig = bytes(m.sign(sk, b"fx corpus message"))
            emit("pqc_raw", f"{d}/{modname}.sig", sig, made + "; sign", pqc_algorithm=alg, pqc_object="signature")
            continue
        emit("pqc_raw", f"{d}/{modname}.pk", pk, made + " (raw public key)", pqc_algorithm=alg, pqc_object="public_key")
        emit("pqc_raw", f"{d}/{modname}.sk", sk, made + " (raw secret key)", pqc_algorithm=alg, pqc_object="secret_key")
        if hasattr(m, "encaps"):
            r = m.encaps(pk)
            ct = bytes(r[0]) if len(bytes(r[0])) != m.SHARED_SECRET_SIZE else bytes(r[1])
            emit("pqc_raw", f"{d}/{modname}.ct", ct, made + "; encaps (raw ciphertext)", pqc_algorithm=alg, pqc_object="ciphertext")
        else:
            sig = bytes(m.sign(sk, b"fx corpus message"))
            emit("pqc_raw", f"{d}/{modname}.sig", sig, made + "; sign (raw signature)", pqc_algorithm=alg, pqc_object="signature")
        if modname in ("ml_kem_512", "ml_dsa_44"):
            p8 = der.pkcs8(OIDS[alg], der.octets(sk))
            emit("pqc_container", f"{d}/{modname}-expanded.pkcs8.der", p8,
                 made + " + der.py: PKCS#8 with the expandedKey OCTET STRING form", pqc_algorithm=alg)
            emit("pqc_container", f"{d}/{modname}-expanded.pkcs8.pem", pem("PRIVATE KEY", p8),
                 made + " + der.py: PKCS#8 (expandedKey), PEM", pqc_algorithm=alg)
            sp = der.spki(OIDS[alg], pk)
            emit("pqc_container", f"{d}/{modname}.spki.der", sp, made + " + der.py: SPKI", pqc_algorithm=alg)


def generate():
    keys = pyca_keys()
    pqc_certs(keys)
    pqcrypto_raw()
