"""A local mail catcher for the demo: an SMTP server on loopback (Debian's aiosmtpd) that
prints each message it receives (recipient, subject, body) to its standard output, so that
sign-in codes and set-password links appear in the terminal that runs `scripts/up`.
Usage: demo-mail.py PORT. Listens on 127.0.0.1 only; for local demonstrations, never a relay.
"""
import email
import email.policy
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Show:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        print(
            "\n=== e-mail to %s: %s\n%s\n===" % (
                ", ".join(envelope.rcpt_tos), message["Subject"], text.strip()),
            flush=True)
        return "250 2.0.0 Shown"


def main():
    port = int(sys.argv[1])
    controller = Controller(Show(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
