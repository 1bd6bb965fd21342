/// The Python program run as a real SMTP server (aiosmtpd) by the tests. Each accepted
/// message becomes a JSON file in the output folder: the envelope, the TLS and AUTH state
/// of the session, the parsed headers and the decoded body. Recipients whose local part
/// starts with `reject` get 550; those starting with `defer` get 451 the first time.
enum SMTPSinkScript {
    static let source = #"""
        import argparse, email, email.policy, json, os, signal, ssl, sys, threading, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        parser = argparse.ArgumentParser()
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--ready", required=True)
        parser.add_argument("--cert")
        parser.add_argument("--key")
        parser.add_argument("--require-starttls", action="store_true")
        parser.add_argument("--user")
        parser.add_argument("--password")
        args = parser.parse_args()

        class Handler:
            def __init__(self):
                self.deferred = set()
                self.count = 0

            async def handle_RCPT(self, server, session, envelope, address, options):
                local = address.split("@")[0]
                if local.startswith("reject"):
                    return "550 5.1.1 No such mailbox here"
                if local.startswith("defer") and address not in self.deferred:
                    self.deferred.add(address)
                    return "451 4.3.0 Try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                raw = envelope.original_content or envelope.content
                message = email.message_from_bytes(raw, policy=email.policy.default)
                record = {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                    "headers": {key: str(value) for key, value in message.items()},
                    "body": message.get_content(),
                    "raw": raw.decode("latin-1"),
                }
                self.count += 1
                name = "%d-%04d.json" % (time.time_ns(), self.count)
                temporary = os.path.join(args.out, "." + name)
                with open(temporary, "w") as handle:
                    json.dump(record, handle)
                os.rename(temporary, os.path.join(args.out, name))
                return "250 2.0.0 Queued"

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and args.user is not None
                  and data.login == args.user.encode() and data.password == args.password.encode())
            return AuthResult(success=ok, handled=False)

        options = {}
        if args.cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.cert, args.key)
            options["tls_context"] = context
            options["require_starttls"] = args.require_starttls
        if args.user:
            options["authenticator"] = authenticator
            options["auth_required"] = True
            options["auth_require_tls"] = bool(args.cert)

        controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, **options)
        controller.start()
        with open(args.ready, "w") as handle:
            handle.write("ready\n")

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait(600)
        controller.stop()
        """#
}
