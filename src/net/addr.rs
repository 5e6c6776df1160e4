//! The classes of the addresses a request may reach, for the exclusions
//! (lychee's `--exclude-private`, `--exclude-loopback`, `--exclude-link-local`)
//! and for the redirect guard: a hop into the local network from outside it
//! is refused, so that a cited page cannot make citecheck fetch (and publish
//! the title of) a machine's own services or a cloud's metadata endpoint.

use std::net::IpAddr;

/// Where an address leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrClass {
    /// `127.0.0.0/8`, `::1`: this machine.
    Loopback,
    /// `10/8`, `172.16/12`, `192.168/16`, `100.64/10` (shared address
    /// space), IPv6 unique local `fc00::/7`: a local network.
    Private,
    /// `169.254/16` (where cloud metadata services answer), `fe80::/10`.
    LinkLocal,
    /// Anything else.
    Public,
}

impl AddrClass {
    pub fn of(ip: IpAddr) -> AddrClass {
        match ip {
            IpAddr::V4(v4) => {
                let o = v4.octets();
                if v4.is_loopback() {
                    AddrClass::Loopback
                } else if v4.is_link_local() {
                    AddrClass::LinkLocal
                } else if v4.is_private() || (o[0] == 100 && (o[1] & 0xC0) == 64) {
                    AddrClass::Private
                } else {
                    AddrClass::Public
                }
            }
            IpAddr::V6(v6) => {
                if let Some(v4) = v6.to_ipv4_mapped() {
                    return AddrClass::of(IpAddr::V4(v4));
                }
                let first = v6.segments()[0];
                if v6.is_loopback() {
                    AddrClass::Loopback
                } else if (first & 0xFFC0) == 0xFE80 {
                    AddrClass::LinkLocal
                } else if (first & 0xFE00) == 0xFC00 {
                    AddrClass::Private
                } else {
                    AddrClass::Public
                }
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AddrClass::Loopback => "loopback",
            AddrClass::Private => "private",
            AddrClass::LinkLocal => "link-local",
            AddrClass::Public => "public",
        }
    }
}

/// Whether a redirect may go from an address of class `from` to one of
/// class `to`: never into the local network (loopback, private, link-local)
/// from an address of another class. Within one class it may (a test server
/// on loopback redirecting to itself; an intranet page to another).
pub fn hop_allowed(from: AddrClass, to: AddrClass) -> bool {
    to == AddrClass::Public || to == from
}

/// The classes of addresses the configuration keeps citecheck from reaching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exclusions {
    pub private: bool,
    pub loopback: bool,
    pub link_local: bool,
}

impl Exclusions {
    /// The address classes the configuration keeps requests from.
    pub fn of(cfg: &crate::config::LinksConfig) -> Exclusions {
        Exclusions {
            private: cfg.exclude_private,
            loopback: cfg.exclude_loopback,
            link_local: cfg.exclude_link_local,
        }
    }

    /// The flag that excludes `class`, if one does.
    pub fn excludes(self, class: AddrClass) -> Option<&'static str> {
        match class {
            AddrClass::Private if self.private => Some("--exclude-private"),
            AddrClass::Loopback if self.loopback => Some("--exclude-loopback"),
            AddrClass::LinkLocal if self.link_local => Some("--exclude-link-local"),
            _ => None,
        }
    }

    pub fn any(self) -> bool {
        self.private || self.loopback || self.link_local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> AddrClass {
        AddrClass::of(s.parse().unwrap())
    }

    #[test]
    fn addresses_are_classified() {
        for (a, want) in [
            ("127.0.0.1", AddrClass::Loopback),
            ("127.8.9.10", AddrClass::Loopback),
            ("::1", AddrClass::Loopback),
            ("::ffff:127.0.0.1", AddrClass::Loopback),
            ("10.1.2.3", AddrClass::Private),
            ("172.16.0.1", AddrClass::Private),
            ("172.31.255.255", AddrClass::Private),
            ("192.168.1.1", AddrClass::Private),
            ("100.64.0.1", AddrClass::Private),
            ("fd12:3456::1", AddrClass::Private),
            ("169.254.169.254", AddrClass::LinkLocal),
            ("fe80::1", AddrClass::LinkLocal),
            ("172.32.0.1", AddrClass::Public),
            ("100.128.0.1", AddrClass::Public),
            ("8.8.8.8", AddrClass::Public),
            ("2606:4700::1111", AddrClass::Public),
        ] {
            assert_eq!(class(a), want, "{a}");
        }
    }

    #[test]
    fn the_hop_guard_refuses_hops_into_the_local_network_from_outside_it() {
        use AddrClass::*;
        assert!(!hop_allowed(Public, Loopback), "public to loopback");
        assert!(
            !hop_allowed(Loopback, LinkLocal),
            "loopback to link-local (a metadata endpoint)"
        );
        assert!(!hop_allowed(Public, Private));
        assert!(!hop_allowed(Public, LinkLocal));
        assert!(!hop_allowed(Private, Loopback));
        assert!(hop_allowed(Loopback, Loopback), "a test server redirecting to itself");
        assert!(hop_allowed(Private, Private));
        assert!(hop_allowed(Loopback, Public));
        assert!(hop_allowed(Public, Public));
    }

    #[test]
    fn each_flag_excludes_its_class_only() {
        let all = Exclusions {
            private: true,
            loopback: true,
            link_local: true,
        };
        assert_eq!(all.excludes(AddrClass::Public), None);
        let lo = Exclusions {
            loopback: true,
            ..Exclusions::default()
        };
        assert_eq!(lo.excludes(AddrClass::Loopback), Some("--exclude-loopback"));
        assert_eq!(lo.excludes(AddrClass::Private), None);
        assert_eq!(lo.excludes(AddrClass::LinkLocal), None);
    }
}
