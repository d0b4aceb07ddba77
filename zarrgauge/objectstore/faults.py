"""The faults zarrgauge's wire proxy (zarrgauge.objectstore.proxy) can put between a client and the
S3 server, set through its control port: `fault KIND COUNT SKIP METHODS`."""

from __future__ import annotations

from dataclasses import dataclass

# A stalled request is held this long, then closed unanswered: longer than the timeout of the
# impatient clients the fault tests use (zarrgauge.objectstore.patience.IMPATIENT), and short, so
# that a stall does not outlive its test by much.
STALL_SECONDS = 4.0
# What S3 answers when it fails or throttles (S3 API reference, "Error responses").
S3_ERRORS = {
    "500": ("500 Internal Server Error", "InternalError", "We encountered an internal error. Please try again."),
    "503": ("503 Slow Down", "SlowDown", "Please reduce your request rate."),
}
FAULT_KINDS = ("none", *S3_ERRORS, "truncate", "stall", "drop", "down")


@dataclass
class Fault:
    """`fault KIND COUNT SKIP METHODS`: of the requests whose HTTP method is in METHODS (a comma
    list, or '*'), SKIP pass untouched, then the next COUNT (0: every one, until the next `fault`)
    meet KIND instead of the server's answer:

    500, 503   S3's InternalError or SlowDown answer, without asking the server
    truncate   the server's answer cut after half its body (its Content-Length kept), then closed
    stall      no answer for STALL_SECONDS, then the connection closed
    drop       the connection closed at once, unanswered
    down       the server gone: every connection closed and the port no longer listening, so new
               connections are refused, until the next `fault` command (COUNT does not apply)
    """

    kind: str = "none"
    count: int | None = None  # faults still to inject; None: no end
    skip: int = 0
    methods: frozenset[str] = frozenset({"*"})

    @classmethod
    def parse(cls, args: list[str]) -> Fault:
        kind, count, skip, methods = args + ["none", "0", "0", "*"][len(args):]
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from: {', '.join(FAULT_KINDS)}")
        return cls(kind, int(count) or None, int(skip), frozenset(methods.upper().split(",")))

    def strike(self, method: str) -> str | None:
        """The fault this request meets, if any; it counts against SKIP, then COUNT."""
        if self.kind == "none" or not {"*", method} & self.methods:
            return None
        if self.skip:
            self.skip -= 1
            return None
        kind = self.kind
        if self.count is not None:
            self.count -= 1
            if not self.count:
                self.kind = "none"
        return kind


def s3_error(kind: str, method: str) -> bytes:
    """S3's answer for a 5xx fault; a connection the client may keep, as S3 lets it."""
    status, code, message = S3_ERRORS[kind]
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>zarrgauge-wire-fault</RequestId></Error>").encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + (b"" if method == "HEAD" else body)
