"""A loopback SMTP relay for the mail benchmark: accepts everything, keeps nothing but a count.

    python smtp_sink.py PORT COUNT_FILE

Writes the number of messages received to COUNT_FILE after each one.
"""
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, path: Path):
        self.path = path
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.path.write_text(str(self.count))
        return "250 OK"


port, count_file = int(sys.argv[1]), Path(sys.argv[2])
count_file.write_text("0")
controller = Controller(Counter(count_file), hostname="127.0.0.1", port=port)
controller.start()
print("listening", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
