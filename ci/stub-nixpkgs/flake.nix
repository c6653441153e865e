{
  # A stand-in for nixpkgs, for OFFLINE checks of fx's flake wiring only
  # (see docs/nix.md). It provides the few attributes fx's flake uses:
  # tools are links to the host's /usr/bin binaries (absent ones stay absent),
  # and the fx package is a set of wrappers that exec the binaries in
  # $FX_STUB_BIN_DIR (a cargo target directory) at run time.
  description = "offline stub of the nixpkgs attributes fx's flake uses";

  outputs =
    { self }:
    let
      lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "-" ];
      upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" "_" ];
      lib = {
        genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
        cleanSource = src: src;
        getOutput = output: pkg: pkg.${output} or pkg;
        toUpper = builtins.replaceStrings lower upper;
        concatMapStrings = f: list: builtins.concatStringsSep "" (map f list);
      };
      mkPkgs =
        system:
        let
          sh =
            name: script:
            derivation {
              inherit name system;
              builder = "/bin/sh";
              args = [ "-c" script ];
              PATH = "/usr/bin:/bin";
            };
          # A "package" whose bin/ links the host's binaries that exist.
          hostTools =
            name: bins:
            let
              drv = sh name (
                "mkdir -p $out/bin\n"
                + builtins.concatStringsSep "" (
                  map (b: "if [ -x /usr/bin/${b} ]; then ln -s /usr/bin/${b} $out/bin/${b}; fi\n") bins
                )
              );
            in
            drv // { bin = drv; out = drv; };
          fxBins = [ "fx-ingest" "fx-route" "fx-inspect" "fx-probe" "fx-fingerprint" "fx-weakkeys" "fx-seq" "fx-features" "fx-report" "fx-diff" "fx-gen" ];
        in
        {
          inherit system;
          openssl_3 = hostTools "openssl" [ "openssl" ];
          wireshark-cli = hostTools "wireshark-cli" [ "tshark" ];
          file = hostTools "file" [ "file" ];
          binutils = hostTools "binutils" [ "readelf" "objdump" ];
          radare2 = hostTools "radare2" [ "radare2" ];
          bubblewrap = hostTools "bubblewrap" [ "bwrap" ];
          util-linux = hostTools "util-linux" [ "unshare" ];
          cmake = hostTools "cmake" [ "cmake" ];
          gmp = hostTools "gmp" [ ];
          cargo = hostTools "cargo" [ ];
          rustc = hostTools "rustc" [ ];
          clippy = hostTools "clippy" [ ];
          rustfmt = hostTools "rustfmt" [ ];
          rustPlatform = {
            bindgenHook = hostTools "bindgen-hook" [ ];
            buildRustPackage =
              args:
              sh "${args.pname}-${args.version}" (
                "mkdir -p $out/bin\n"
                + builtins.concatStringsSep "" (
                  map (b: ''
                    printf '#!/bin/sh\nexec "$FX_STUB_BIN_DIR/${b}" "$@"\n' > $out/bin/${b}
                    chmod +x $out/bin/${b}
                  '') fxBins
                )
              );
          };
          writeShellApplication =
            { name, runtimeInputs ? [ ], text }:
            sh name ''
              mkdir -p $out/bin
              cat > $out/bin/${name} <<'FX_STUB_EOF'
              #!/bin/bash
              set -euo pipefail
              export PATH="${builtins.concatStringsSep ":" (map (p: "${p}/bin") runtimeInputs)}:$PATH"
              ${text}
              FX_STUB_EOF
              chmod +x $out/bin/${name}
            '';
          runCommand = name: env: script: sh name script;
          mkShell = args: sh "fx-devshell" "mkdir -p $out";
        };
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] mkPkgs;
    };
}
