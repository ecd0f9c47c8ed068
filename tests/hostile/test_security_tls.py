"""TLS: verification is on by default, hostname checking stays on, a failure says what to
pass, and a connection that asked for TLS never goes on without it."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

import anyio
import pytest
import trustme

import jsm
from jsm import errors

if TYPE_CHECKING:
    from jsm.testing import NatsServer, TlsServer

FAIL_WITHIN = 20
"""Seconds a refused TLS connect may take: one attempt, not nats-py's 60 retries."""


def _other_ca_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    trustme.CA().configure_trust(context)
    return context


async def _refused(url: str, **options: object) -> errors.JsmConnectionError:
    with anyio.fail_after(FAIL_WITHIN), pytest.raises(errors.JsmConnectionError) as caught:
        async with jsm.connect(url, **options):  # type: ignore[arg-type]  # test-only pass-through
            pass
    return caught.value


async def test_the_tls_server_is_reached_with_its_ca(nats_tls: TlsServer) -> None:
    async with jsm.connect(nats_tls.server.client_url, tls=nats_tls.client_ssl_context()) as js:
        await js.account_info()


@pytest.mark.parametrize(
    "options",
    [{}, {"tls": "default"}, {"tls": "other CA"}],
    ids=["no-tls-option", "system-cas", "other-ca"],
)
async def test_a_server_certificate_not_trusted_fails_at_once_saying_to_pass_the_ca(
    nats_tls: TlsServer, options: dict[str, str]
) -> None:
    # nats-py retried a failed handshake forever (it waited for a socket asyncio had
    # already taken over); the first verification failure now ends the connect.
    contexts = {"default": ssl.create_default_context(), "other CA": _other_ca_context()}
    tls = {"tls": contexts[options["tls"]]} if options else {}
    err = await _refused(nats_tls.server.client_url, **tls)
    text = str(err)
    assert "TLS certificate is not trusted" in text, text
    assert "tls=ssl.create_default_context(cafile=" in text, text
    assert isinstance(err.__cause__, ssl.SSLCertVerificationError)


async def test_a_nats_url_to_a_tls_server_still_verifies(nats_tls: TlsServer) -> None:
    url = nats_tls.server.client_url.replace("tls://", "nats://")
    assert "not trusted" in str(await _refused(url))
    async with jsm.connect(url, tls=nats_tls.client_ssl_context()) as js:
        await js.account_info()


async def test_hostname_checking_stays_on(nats_tls: TlsServer) -> None:
    # The certificate names 127.0.0.1 and localhost.
    port = nats_tls.server.client_port
    async with jsm.connect(f"tls://localhost:{port}", tls=nats_tls.client_ssl_context()) as js:
        await js.account_info()
    err = await _refused(
        nats_tls.server.client_url, tls=nats_tls.client_ssl_context(), tls_hostname="example.com"
    )
    assert "does not name the host" in str(err) and "tls_hostname" in str(err), str(err)
    assert nats_tls.client_ssl_context().check_hostname


@pytest.mark.parametrize("how", ["tls-scheme", "tls-option"])
async def test_asking_for_tls_from_a_server_without_it_fails_before_sending_credentials(
    nats_server: NatsServer, nats_tls: TlsServer, how: str
) -> None:
    # nats-py upgrades only when the server requires TLS: it sent CONNECT (with any
    # password) in the clear to a server, or anyone in between, that did not offer it.
    url = nats_server.client_url.replace("nats://", "nats://app:secret@")
    if how == "tls-scheme":
        url, options = url.replace("nats://", "tls://"), {}
    else:
        options = {"tls": nats_tls.client_ssl_context()}
    err = await _refused(url, **options)
    text = str(err)
    assert "does not offer TLS" in text and "secret" not in text, text
