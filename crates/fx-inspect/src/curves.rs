//! Named elliptic curves over prime fields (SEC 2, FIPS 186-4, RFC 5639):
//! the domain parameters that name an explicit `ECParameters`, and the
//! curve equation y² = x³ + ax + b (mod p) a public point must satisfy.
//! The values are the curves' published parameters.

use num_bigint::BigUint;

/// One named curve (hex, big-endian, no leading zeros).
pub struct Curve {
    /// DESIGN §9 curve name.
    pub name: &'static str,
    /// Field prime.
    pub p: &'static str,
    /// Coefficient a.
    pub a: &'static str,
    /// Coefficient b.
    pub b: &'static str,
    /// Base point x.
    pub gx: &'static str,
    /// Base point y.
    pub gy: &'static str,
    /// Order of the base point.
    pub n: &'static str,
}

/// Every curve fx names from its parameters.
pub const CURVES: &[Curve] = &[
    Curve {
        name: "P-192",
        p: "fffffffffffffffffffffffffffffffeffffffffffffffff",
        a: "fffffffffffffffffffffffffffffffefffffffffffffffc",
        b: "64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1",
        gx: "188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012",
        gy: "07192b95ffc8da78631011ed6b24cdd573f977a11e794811",
        n: "ffffffffffffffffffffffff99def836146bc9b1b4d22831",
    },
    Curve {
        name: "P-224",
        p: "ffffffffffffffffffffffffffffffff000000000000000000000001",
        a: "fffffffffffffffffffffffffffffffefffffffffffffffffffffffe",
        b: "b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4",
        gx: "b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21",
        gy: "bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34",
        n: "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d",
    },
    Curve {
        name: "P-256",
        p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        a: "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
        b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
    },
    Curve {
        name: "P-384",
        p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
        b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        gx: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        gy: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
        n: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    },
    Curve {
        name: "P-521",
        p: "1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        a: "1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
        b: "51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
        gx: "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
        gy: "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
        n: "1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    },
    Curve {
        name: "secp256k1",
        p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        a: "0",
        b: "7",
        gx: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
        gy: "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
        n: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
    },
    Curve {
        name: "brainpoolP160r1",
        p: "e95e4a5f737059dc60dfc7ad95b3d8139515620f",
        a: "340e7be2a280eb74e2be61bada745d97e8f7c300",
        b: "1e589a8595423412134faa2dbdec95c8d8675e58",
        gx: "bed5af16ea3f6a4f62938c4631eb5af7bdbcdbc3",
        gy: "1667cb477a1a8ec338f94741669c976316da6321",
        n: "e95e4a5f737059dc60df5991d45029409e60fc09",
    },
    Curve {
        name: "brainpoolP192r1",
        p: "c302f41d932a36cda7a3463093d18db78fce476de1a86297",
        a: "6a91174076b1e0e19c39c031fe8685c1cae040e5c69a28ef",
        b: "469a28ef7c28cca3dc721d044f4496bcca7ef4146fbf25c9",
        gx: "c0a0647eaab6a48753b033c56cb0f0900a2f5c4853375fd6",
        gy: "14b690866abd5bb88b5f4828c1490002e6773fa2fa299b8f",
        n: "c302f41d932a36cda7a3462f9e9e916b5be8f1029ac4acc1",
    },
    Curve {
        name: "brainpoolP224r1",
        p: "d7c134aa264366862a18302575d1d787b09f075797da89f57ec8c0ff",
        a: "68a5e62ca9ce6c1c299803a6c1530b514e182ad8b0042a59cad29f43",
        b: "2580f63ccfe44138870713b1a92369e33e2135d266dbb372386c400b",
        gx: "0d9029ad2c7e5cf4340823b2a87dc68c9e4ce3174c1e6efdee12c07d",
        gy: "58aa56f772c0726f24c6b89e4ecdac24354b9e99caa3f6d3761402cd",
        n: "d7c134aa264366862a18302575d0fb98d116bc4b6ddebca3a5a7939f",
    },
    Curve {
        name: "brainpoolP256r1",
        p: "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
        a: "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
        b: "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
        gx: "8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262",
        gy: "547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
        n: "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7",
    },
    Curve {
        name: "brainpoolP320r1",
        p: "d35e472036bc4fb7e13c785ed201e065f98fcfa6f6f40def4f92b9ec7893ec28fcd412b1f1b32e27",
        a: "3ee30b568fbab0f883ccebd46d3f3bb8a2a73513f5eb79da66190eb085ffa9f492f375a97d860eb4",
        b: "520883949dfdbc42d3ad198640688a6fe13f41349554b49acc31dccd884539816f5eb4ac8fb1f1a6",
        gx: "43bd7e9afb53d8b85289bcc48ee5bfe6f20137d10a087eb6e7871e2a10a599c710af8d0d39e20611",
        gy: "14fdd05545ec1cc8ab4093247f77275e0743ffed117182eaa9c77877aaac6ac7d35245d1692e8ee1",
        n: "d35e472036bc4fb7e13c785ed201e065f98fcfa5b68f12a32d482ec7ee8658e98691555b44c59311",
    },
    Curve {
        name: "brainpoolP384r1",
        p: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
        a: "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
        b: "4a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
        gx: "1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e",
        gy: "8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
        n: "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
    },
    Curve {
        name: "brainpoolP512r1",
        p: "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3",
        a: "7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca",
        b: "3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723",
        gx: "81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822",
        gy: "7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892",
        n: "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069",
    },
];

fn big(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default()
}

/// The curve of this name.
pub fn by_name(name: &str) -> Option<&'static Curve> {
    CURVES.iter().find(|c| c.name == name)
}

/// The named curve whose prime, coefficients and order these are (big-endian
/// bytes as an explicit `ECParameters` carries them).
pub fn identify(p: &[u8], a: &[u8], b: &[u8], n: &[u8]) -> Option<&'static str> {
    let (p, a, b, n) = (
        BigUint::from_bytes_be(p),
        BigUint::from_bytes_be(a),
        BigUint::from_bytes_be(b),
        BigUint::from_bytes_be(n),
    );
    CURVES
        .iter()
        .find(|c| big(c.p) == p && big(c.a) == a && big(c.b) == b && big(c.n) == n)
        .map(|c| c.name)
}

/// The field a point is checked in: prime and coefficients.
pub struct Field {
    p: BigUint,
    a: BigUint,
    b: BigUint,
}

impl Field {
    /// The field of a named curve.
    pub fn named(name: &str) -> Option<Field> {
        by_name(name).map(|c| Field {
            p: big(c.p),
            a: big(c.a),
            b: big(c.b),
        })
    }

    /// A field from explicit parameters (big-endian bytes); `None` when the
    /// prime is not odd or not above 3.
    pub fn explicit(p: &[u8], a: &[u8], b: &[u8]) -> Option<Field> {
        let p = BigUint::from_bytes_be(p);
        (p > BigUint::from(3u8) && p.bit(0) && p.bits() <= MAX_FIELD_BITS).then(|| Field {
            a: BigUint::from_bytes_be(a) % &p,
            b: BigUint::from_bytes_be(b) % &p,
            p,
        })
    }

    /// Bytes of one coordinate.
    pub fn coordinate_len(&self) -> usize {
        self.p.bits().div_ceil(8) as usize
    }

    /// x³ + ax + b mod p.
    fn rhs(&self, x: &BigUint) -> BigUint {
        (x * x * x + &self.a * x + &self.b) % &self.p
    }

    /// Checks an SEC1-encoded point (uncompressed `04‖X‖Y`, compressed
    /// `02/03‖X`, hybrid `06/07‖X‖Y`); `Err` says why it is not on the curve.
    /// The encoding's length is the caller's business (a `bad_length`).
    pub fn check_point(&self, point: &[u8]) -> Result<(), String> {
        let n = self.coordinate_len();
        let (Some(&form), Some(rest)) = (point.first(), point.get(1..)) else {
            return Err("empty point".into());
        };
        match (form, rest.len()) {
            (0x04 | 0x06 | 0x07, l) if l == 2 * n => {
                let x = BigUint::from_bytes_be(&rest[..n]);
                let y = BigUint::from_bytes_be(&rest[n..]);
                if x >= self.p || y >= self.p {
                    return Err("coordinate not below the field prime".into());
                }
                if (&y * &y) % &self.p != self.rhs(&x) {
                    return Err("y² ≠ x³ + ax + b (mod p)".into());
                }
                if form != 0x04 && y.bit(0) != (form == 0x07) {
                    return Err("hybrid form's parity bit disagrees with y".into());
                }
                Ok(())
            }
            (0x02 | 0x03, l) if l == n => {
                let x = BigUint::from_bytes_be(rest);
                if x >= self.p {
                    return Err("x not below the field prime".into());
                }
                // x³ + ax + b must be a square mod p (Euler's criterion).
                let v = self.rhs(&x);
                let e = (&self.p - 1u8) >> 1;
                if v != BigUint::ZERO && v.modpow(&e, &self.p) != BigUint::from(1u8) {
                    return Err("no y for this x: x³ + ax + b is not a square mod p".into());
                }
                Ok(())
            }
            (0x00, 0) => Err("the point at infinity is not a public key".into()),
            _ => Ok(()),
        }
    }
}

/// Largest number [`probably_prime`] tests, in bits. The test's cost grows
/// with the cube of the size (1,066 hostile bytes holding a 6,136-bit
/// INTEGER took 0.19 s, found by the `inspect` fuzz target): past the
/// largest DH group in use (RFC 7919's ffdhe8192) a number is not tested
/// and counts as no prime, a budget, not a verdict on the number.
pub const MAX_PRIME_TEST_BITS: u64 = 8192;

/// Largest field prime of an explicit curve checked, in bits (the largest
/// named prime field is P-521's; the checks cost a modular exponentiation
/// over the field).
pub const MAX_FIELD_BITS: u64 = 1024;

/// A Fermat probable-prime test to base 2 (enough to tell a DH prime from an
/// RSA modulus: a product of two large primes passes with negligible odds).
/// Numbers over [`MAX_PRIME_TEST_BITS`] are not tested: `false`.
pub fn probably_prime(be: &[u8]) -> bool {
    let n = BigUint::from_bytes_be(be);
    if n.bits() > MAX_PRIME_TEST_BITS {
        return false;
    }
    if n < BigUint::from(5u8) || !n.bit(0) {
        return n == BigUint::from(2u8) || n == BigUint::from(3u8);
    }
    // Trial division first: most composites (nine in ten random odd
    // numbers) have a factor below 2,000, and dividing by it costs nothing
    // next to the exponentiation.
    for d in (3u32..2000)
        .step_by(2)
        .filter(|d| (3..*d).step_by(2).all(|k| k * k > *d || d % k != 0))
    {
        if n == BigUint::from(d) {
            return true;
        }
        if (&n % d) == BigUint::ZERO {
            return false;
        }
    }
    BigUint::from(2u8).modpow(&(&n - 1u8), &n) == BigUint::from(1u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the caps nothing is computed: an odd 9,000-bit number is no
    /// prime here (it would take minutes), a 2,048-bit explicit field is
    /// not checked.
    #[test]
    fn huge_numbers_are_not_tested() {
        let mut n = vec![0xffu8; 9000 / 8];
        n[0] = 0x7f;
        let start = std::time::Instant::now();
        assert!(!probably_prime(&n));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert!(Field::explicit(&[0xff; 256], &[1], &[1]).is_none());
        assert!(Field::explicit(&[0xff; 66], &[1], &[1]).is_some());
    }

    fn hex(s: &str) -> Vec<u8> {
        let s = if s.len() % 2 == 1 {
            format!("0{s}")
        } else {
            s.to_owned()
        };
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
            .collect()
    }

    #[test]
    fn base_points_are_on_their_curves() {
        for c in CURVES {
            let f = Field::named(c.name).unwrap_or_else(|| panic!("{}", c.name));
            let n = f.coordinate_len();
            let mut pt = vec![4u8];
            for h in [c.gx, c.gy] {
                let b = hex(h);
                pt.extend(std::iter::repeat_n(0u8, n - b.len()));
                pt.extend(b);
            }
            assert_eq!(f.check_point(&pt), Ok(()), "{}", c.name);
            let mut off = pt.clone();
            let last = off.len() - 1;
            off[last] ^= 1;
            assert!(f.check_point(&off).is_err(), "{}", c.name);
            let mut compressed = vec![2 + (pt[pt.len() - 1] & 1)];
            compressed.extend(&pt[1..=n]);
            assert_eq!(f.check_point(&compressed), Ok(()), "{}", c.name);
            assert_eq!(
                identify(&hex(c.p), &hex(c.a), &hex(c.b), &hex(c.n)),
                Some(c.name)
            );
        }
    }

    #[test]
    fn fermat_tells_primes_from_products() {
        let p256 = hex(CURVES[2].p);
        assert!(probably_prime(&p256));
        assert!(probably_prime(&[0x0b, 0x5d])); // 2909
        assert!(!probably_prime(&[0x0c, 0xa1])); // 3233 = 53 × 61
    }
}
