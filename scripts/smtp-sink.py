"""A real SMTP server on loopback for the tests: aiosmtpd, writing each
message it accepts to a directory as an .eml file.

    target/venv-smtp/bin/python scripts/smtp-sink.py DIR [--refuse-from ADDR]

It listens on 127.0.0.1 on a free port and prints the port on the first line
of stdout once it accepts connections. Each accepted message is written to
DIR/NNNNNN.eml (to a temporary name first, then renamed, so a reader never
sees half a file), with the envelope in X-Sink-Mail-From / X-Sink-Rcpt-To
headers on top. With --refuse-recipient ADDR, RCPT TO that address is
answered 550 (a mailbox that does not exist); with --fail-data N, the first N
messages are answered 451 (try again later). It stops when stdin closes, so it
never outlives the test that started it.
"""

import argparse
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, refuse_recipient, fail_data):
        self.directory = directory
        self.refuse_recipient = refuse_recipient
        self.fail_data = fail_data
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipient and address.lower() == self.refuse_recipient.lower():
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data > 0:
            self.fail_data -= 1
            return "451 4.3.0 Try again later"
        self.count += 1
        head = (
            f"X-Sink-Mail-From: {envelope.mail_from}\r\n"
            f"X-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = os.path.join(self.directory, f"{self.count:06d}.eml")
        with open(name + ".part", "wb") as out:
            out.write(head + envelope.original_content)
        os.rename(name + ".part", name)
        return "250 Message accepted for delivery"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--refuse-recipient", default="")
    parser.add_argument("--fail-data", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)

    loop = asyncio.get_running_loop()
    handler = Sink(args.directory, args.refuse_recipient, args.fail_data)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.localhost"), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    # Stop when the test closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
