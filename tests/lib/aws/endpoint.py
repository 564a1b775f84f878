#!/usr/bin/python3
"""A local AWS-compatible endpoint for the tests: standard library HTTP, botocore SigV4.

One process serves every AWS service a test needs on one port, the way `--endpoint-url`
points a client at one URL. Each request's signature is verified independently by botocore
(sigv4.py); the service is then chosen from the signature's credential scope
(.../REGION/SERVICE/aws4_request) and handled by the class registered for it in SERVICES.
A service class knows its protocol: how to read a request, how to answer, and how its
errors look on the wire. Adding S3 means adding a class with s3_signing = True.

Faults a test can ask for, so the client's error paths meet the real answers:
  --throttle-first N           the first N signed requests get the service's throttling error
  --fail REGION:ACTION:PAGE    that page answers 500 InternalError every time
  --malformed REGION:ACTION:PAGE  that page answers 200 with its XML cut in half
  --deny ACTION                the caller lacks the IAM permission for ACTION

Every request is logged as one JSON line (--log) so a test can see what the client asked.

  endpoint.py --data DIR --port-file FILE [--log FILE] --key AKID:SECRET[:TOKEN[:expired]] ...
"""
import argparse
import json
import os
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sigv4  # noqa: E402
from ec2 import Ec2Service  # noqa: E402
from pricing import PricingService  # noqa: E402

SERVICES = {
    'ec2': Ec2Service,
    'pricing': PricingService,
}


class Faults:
    """What the test asked to go wrong; shared by all request threads."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.throttle_left = args.throttle_first
        self.fail = set(args.fail)
        self.malformed = set(args.malformed)
        self.deny = set(args.deny)

    def throttle(self):
        with self.lock:
            if self.throttle_left > 0:
                self.throttle_left -= 1
                return True
            return False

    def page_fault(self, region, action, page):
        key = f'{region}:{action}:{page}'
        if key in self.fail:
            return 'fail'
        if key in self.malformed:
            return 'malformed'
        return None


class Endpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, args):
        super().__init__(address, Handler)
        self.keys = {}
        for spec in args.key:
            parts = spec.split(':')
            if len(parts) < 2:
                raise SystemExit(f'--key {spec}: want AKID:SECRET[:TOKEN[:expired]]')
            token = parts[2] if len(parts) > 2 and parts[2] else None
            expired = len(parts) > 3 and parts[3] == 'expired'
            self.keys[parts[0]] = sigv4.Key(parts[0], parts[1], token, expired)
        self.faults = Faults(args)
        self.services = {name: cls(args.data, self.faults) for name, cls in SERVICES.items()}
        self.log_lock = threading.Lock()
        self.log_file = open(args.log, 'a', encoding='utf-8') if args.log else None

    def log(self, entry):
        if self.log_file is None:
            return
        with self.log_lock:
            self.log_file.write(json.dumps(entry, sort_keys=True) + '\n')
            self.log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'AmazonEC2-test'

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        self.dispatch()

    def do_GET(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def dispatch(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        headers = list(self.headers.items())
        request_id = str(uuid.uuid4())
        entry = {'method': self.command, 'path': self.path, 'request_id': request_id}
        auth = sigv4.parse_authorization(self.headers.get('Authorization'))
        service = self.server.services.get(auth['service']) if auth else None
        if service is None:
            # No SigV4 scope naming a service we serve: answer like EC2, the default.
            service = self.server.services['ec2']
        entry['service'] = service.name
        try:
            akid, region, _ = sigv4.verify(self.command, self.path, headers, body,
                                           self.server.keys, s3=service.s3_signing)
        except sigv4.Refusal as refusal:
            entry['refused'] = refusal.code
            entry['why'] = refusal.message
            self.server.log(entry)
            self.answer(service.refusal(refusal, request_id))
            return
        entry['akid'] = akid
        entry['region'] = region
        request = service.parse(self.command, urlsplit(self.path), self.headers, body)
        entry['action'] = request.action
        entry['params'] = request.params
        if self.server.faults.throttle():
            entry['fault'] = 'throttle'
            self.server.log(entry)
            self.answer(service.throttled(request_id))
            return
        answer = service.handle(request, region, entry, request_id)
        self.server.log(entry)
        self.answer(answer)

    def answer(self, answer):
        status, content_type, body = answer
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    p.add_argument('--data', required=True, help='fixture directory (ec2/, pricing/)')
    p.add_argument('--port-file', required=True, help='write the port here once listening')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--log', help='append one JSON line per request here')
    p.add_argument('--key', action='append', default=[], help='AKID:SECRET[:TOKEN[:expired]]')
    p.add_argument('--throttle-first', type=int, default=0)
    p.add_argument('--fail', action='append', default=[], help='REGION:ACTION:PAGE')
    p.add_argument('--malformed', action='append', default=[], help='REGION:ACTION:PAGE')
    p.add_argument('--deny', action='append', default=[], help='ACTION')
    args = p.parse_args()
    server = Endpoint(('127.0.0.1', args.port), args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w', encoding='ascii') as f:
        f.write(f'{server.server_address[1]}\n')
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == '__main__':
    main()
