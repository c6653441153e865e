{
  description = "fx: a crypto-forensics toolkit of small Rust commands exchanging JSONL job lines";

  # One pinned nixpkgs gives the Rust toolchain and every external tool; the
  # sha256 of flake.lock becomes part of the toolchain hash of every run made
  # through this flake (FX_FLAKE_LOCK_SHA256 below).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs =
    { self, nixpkgs }:
    let
      lib = nixpkgs.lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});

      # The one list of external tools, read by the Rust inventory too.
      profile = builtins.fromJSON (builtins.readFile ./tools.json);
      flakeLockSha256 = builtins.hashFile "sha256" ./flake.lock;

      toolsFor =
        pkgs:
        map (
          t:
          t
          // {
            drv = lib.getOutput t.output pkgs.${t.nixpkgs};
          }
        ) profile.tools;

      # FX_TOOL_<NAME>=/nix/store/…/bin/<binary> for every tool: the inventory
      # records exactly these store paths.
      toolExports =
        pkgs:
        lib.concatMapStrings (
          t: "export FX_TOOL_${lib.toUpper t.name}=${t.drv}/bin/${t.binary}\n"
        ) (toolsFor pkgs);
    in
    {
      packages = forAllSystems (
        system: pkgs:
        let
          fx = pkgs.rustPlatform.buildRustPackage {
            pname = "fx";
            version = "0.1.0";
            src = lib.cleanSource ./.;
            cargoLock.lockFile = ./Cargo.lock;
            # liboqs (oqs-sys) is built from source with cmake; bindgen needs libclang.
            nativeBuildInputs = [
              pkgs.cmake
              pkgs.rustPlatform.bindgenHook
            ];
            # fx-weakkeys: rug links the system GMP (gmp-mpfr-sys use-system-libs).
            buildInputs = [ pkgs.gmp ];
            doCheck = false;
          };
          forensics-batch = pkgs.writeShellApplication {
            name = "forensics-batch";
            runtimeInputs = [ fx ] ++ map (t: t.drv) (toolsFor pkgs);
            text = ''
              export FX_FLAKE_LOCK_SHA256="sha256:${flakeLockSha256}"
              # the lock itself: fx-ingest records its content in the run manifest
              export FX_FLAKE_LOCK="${./flake.lock}"
              ${toolExports pkgs}
              exec ${./pipelines/forensics-batch.sh} "$@"
            '';
          };
        in
        {
          inherit fx forensics-batch;
          default = fx;
        }
      );

      apps = forAllSystems (
        system: pkgs: {
          forensics-batch = {
            type = "app";
            program = "${self.packages.${system}.forensics-batch}/bin/forensics-batch";
          };
          default = self.apps.${system}.forensics-batch;
        }
      );

      devShells = forAllSystems (
        system: pkgs: {
          default = pkgs.mkShell {
            packages = [
              pkgs.cargo
              pkgs.rustc
              pkgs.clippy
              pkgs.rustfmt
              pkgs.cmake
              pkgs.gmp
              pkgs.rustPlatform.bindgenHook
            ] ++ map (t: t.drv) (toolsFor pkgs);
            shellHook = ''
              export FX_FLAKE_LOCK_SHA256="sha256:${flakeLockSha256}"
              export FX_FLAKE_LOCK="${./flake.lock}"
              ${toolExports pkgs}
            '';
          };
        }
      );

      checks = forAllSystems (
        system: pkgs: {
          fx = self.packages.${system}.fx;
          # The batch over the bundled samples, end to end, with pinned tools.
          forensics-batch-samples = pkgs.runCommand "fx-forensics-batch-samples" { } ''
            mkdir -p $out
            ${self.packages.${system}.forensics-batch}/bin/forensics-batch ${./samples} $out/run > $out/summary.txt
          '';
        }
      );
    };
}
