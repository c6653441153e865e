"""DH, DSA and EC domain parameters (openssl dhparam/dsaparam/ecparam/genpkey,
certtool --generate-dh-params). Safe-prime DH generation is slow (tens of
seconds for 2048 bits): one reason the files are committed, not regenerated
per run."""

from common import emit, read, run, tool_version

OPENSSL = tool_version(["openssl", "version"])
CERTTOOL = tool_version(["certtool", "--version"])


def generate():
    d = "params"
    # DH
    for bits, extra, tag in [(1024, [], "1024"), (2048, [], "2048"), (2048, ["-dsaparam"], "2048-dsaparam"),
                             (3072, ["-dsaparam"], "3072-dsaparam")]:
        run(["openssl", "dhparam", *extra, "-out", f"dh{tag}.pem", str(bits)])
        made = f"{OPENSSL}: openssl dhparam {' '.join(extra)} {bits}"
        emit("params", f"{d}/dh{tag}.pem", read(f"dh{tag}.pem"), made)
        if tag in ("2048", "3072-dsaparam"):
            emit("params", f"{d}/dh{tag}.der", run(["openssl", "dhparam", "-in", f"dh{tag}.pem", "-outform", "DER"]),
                 made + "; -outform DER")
    for group in ("ffdhe2048", "ffdhe4096", "modp_3072"):
        out = run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:{group}"])
        emit("params", f"{d}/dh-{group}.pem", out, f"{OPENSSL}: openssl genpkey -genparam -algorithm DH -pkeyopt group:{group}")
    out = run(["openssl", "genpkey", "-genparam", "-algorithm", "DHX", "-pkeyopt", "dh_rfc5114:3"])
    emit("params", f"{d}/dhx-rfc5114-3.pem", out, f"{OPENSSL}: openssl genpkey -genparam -algorithm DHX -pkeyopt dh_rfc5114:3 (X9.42)")
    run(["certtool", "--generate-dh-params", "--sec-param", "medium", "--outfile", "gt-dh.pem"])
    emit("params", f"{d}/certtool-dh-medium.pem", read("gt-dh.pem"), f"{CERTTOOL}: certtool --generate-dh-params --sec-param medium")
    # DSA
    for bits in (1024, 2048, 3072):
        run(["openssl", "dsaparam", "-out", f"dsa{bits}.pem", str(bits)])
        made = f"{OPENSSL}: openssl dsaparam {bits}"
        emit("params", f"{d}/dsa{bits}.pem", read(f"dsa{bits}.pem"), made)
        if bits == 2048:
            emit("params", f"{d}/dsa{bits}.der", run(["openssl", "dsaparam", "-in", f"dsa{bits}.pem", "-outform", "DER"]),
                 made + "; -outform DER")
    out = run(["openssl", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048",
               "-pkeyopt", "dsa_paramgen_q_bits:256"])
    emit("params", f"{d}/dsa2048-q256-genpkey.pem", out, f"{OPENSSL}: openssl genpkey -genparam -algorithm DSA (2048/256)")
    # EC
    for curve, tag in [("prime256v1", "p256"), ("secp384r1", "p384"), ("secp521r1", "p521"), ("secp256k1", "secp256k1"),
                       ("brainpoolP256r1", "bp256"), ("brainpoolP512r1", "bp512"), ("secp224r1", "p224")]:
        out = run(["openssl", "ecparam", "-name", curve])
        made = f"{OPENSSL}: openssl ecparam -name {curve}"
        emit("params", f"{d}/ec-{tag}.pem", out, made)
        if tag in ("p256", "p384", "bp256"):
            emit("params", f"{d}/ec-{tag}.der", run(["openssl", "ecparam", "-name", curve, "-outform", "DER"]), made + " -outform DER")
            out = run(["openssl", "ecparam", "-name", curve, "-param_enc", "explicit"])
            emit("params", f"{d}/ec-{tag}-explicit.pem", out, made + " -param_enc explicit")
            if tag == "p256":
                emit("params", f"{d}/ec-{tag}-explicit.der",
                     run(["openssl", "ecparam", "-name", curve, "-param_enc", "explicit", "-outform", "DER"]),
                     made + " -param_enc explicit -outform DER")
