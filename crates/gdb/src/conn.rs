//! Where gdb connects: a TCP port on the loopback interface (or a given host address), or a
//! Unix domain socket (`unix:PATH`).

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::str::FromStr;

use gdbstub::conn::ConnectionExt;

/// A connection to gdb.
pub type Connection = Box<dyn ConnectionExt<Error = io::Error>>;

/// Where to listen for gdb.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listen {
    /// A TCP address; a bare port means 127.0.0.1 (port 0 picks a free one).
    Tcp(SocketAddr),
    /// A Unix domain socket path.
    Unix(PathBuf),
}

/// A `--gdb` argument that is neither `PORT`, `HOST:PORT` nor `unix:PATH`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a gdb address: use PORT, HOST:PORT or unix:PATH")]
pub struct BadListen(String);

impl FromStr for Listen {
    type Err = BadListen;

    fn from_str(s: &str) -> Result<Listen, BadListen> {
        if let Some(path) = s.strip_prefix("unix:") {
            return if path.is_empty() { Err(BadListen(s.into())) } else { Ok(Listen::Unix(path.into())) };
        }
        if let Ok(port) = s.parse::<u16>() {
            return Ok(Listen::Tcp(SocketAddr::from(([127, 0, 0, 1], port))));
        }
        s.parse::<SocketAddr>().map(Listen::Tcp).map_err(|_| BadListen(s.into()))
    }
}

/// A bound listener.
pub enum Listener {
    /// TCP.
    Tcp(TcpListener),
    /// A Unix domain socket, removed again on drop.
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Binds `listen`. A stale Unix socket file at the path is replaced.
    pub fn bind(listen: &Listen) -> io::Result<Listener> {
        match listen {
            Listen::Tcp(addr) => Ok(Listener::Tcp(TcpListener::bind(addr)?)),
            Listen::Unix(path) => {
                if std::fs::symlink_metadata(path).is_ok_and(|m| {
                    use std::os::unix::fs::FileTypeExt;
                    m.file_type().is_socket()
                }) {
                    std::fs::remove_file(path)?;
                }
                Ok(Listener::Unix(UnixListener::bind(path)?, path.clone()))
            }
        }
    }

    /// The address gdb connects to, as `target remote` takes it.
    pub fn address(&self) -> String {
        match self {
            Listener::Tcp(l) => l.local_addr().map_or_else(|_| "?".into(), |a| a.to_string()),
            Listener::Unix(_, path) => path.display().to_string(),
        }
    }

    /// Waits for gdb.
    pub fn accept(&self) -> io::Result<Connection> {
        self.set_nonblocking(false)?;
        match self {
            Listener::Tcp(l) => {
                let (stream, _) = l.accept()?;
                stream.set_nodelay(true)?;
                Ok(Box::new(stream))
            }
            Listener::Unix(l, _) => Ok(Box::new(l.accept()?.0)),
        }
    }

    /// A connection if gdb is waiting, without blocking.
    pub fn try_accept(&self) -> io::Result<Option<Connection>> {
        self.set_nonblocking(true)?;
        let accepted: io::Result<Connection> = match self {
            Listener::Tcp(l) => l.accept().and_then(|(s, _)| {
                s.set_nonblocking(false)?;
                s.set_nodelay(true)?;
                Ok(Box::new(s) as Connection)
            }),
            Listener::Unix(l, _) => l.accept().and_then(|(s, _)| {
                s.set_nonblocking(false)?;
                Ok(Box::new(s) as Connection)
            }),
        };
        match accepted {
            Ok(conn) => Ok(Some(conn)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Listener::Tcp(l) => l.set_nonblocking(on),
            Listener::Unix(l, _) => l.set_nonblocking(on),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_parse() {
        assert_eq!("1234".parse::<Listen>().unwrap(), Listen::Tcp(SocketAddr::from(([127, 0, 0, 1], 1234))));
        assert_eq!("0.0.0.0:9".parse::<Listen>().unwrap(), Listen::Tcp(SocketAddr::from(([0, 0, 0, 0], 9))));
        assert_eq!("unix:/tmp/g.sock".parse::<Listen>().unwrap(), Listen::Unix("/tmp/g.sock".into()));
        assert!("unix:".parse::<Listen>().is_err());
        assert!("nonsense".parse::<Listen>().unwrap_err().to_string().contains("nonsense"));
    }
}
