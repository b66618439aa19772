"""The registered app's certificate: an RSA key and a self-signed X.509 certificate, as PEM."""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEY_FILE, CERT_FILE = "client-key.pem", "client-cert.pem"
VALID_DAYS = 365


@dataclass(frozen=True)
class AppCertificate:
    """A key pair whose certificate is registered on the app, as Entra keeps key credentials."""

    key_pem: bytes
    certificate: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, state_dir: Path) -> tuple[Path, Path]:
        """(certificate path, key path), absolute; the key is readable by its owner only."""
        key_path = (state_dir / KEY_FILE).resolve()
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # also when the file was already there
        with os.fdopen(fd, "wb") as file:
            file.write(self.key_pem)
        cert_path = (state_dir / CERT_FILE).resolve()
        cert_path.write_bytes(self.cert_pem)
        return cert_path, key_path


def new_app_certificate(client_id: str, key_size: int = 2048) -> AppCertificate:
    """A fresh key and a certificate for it, named after the app as the Azure portal's are."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"intune-pipeline-{client_id}")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return AppCertificate(key_pem, certificate)
