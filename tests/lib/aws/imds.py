#!/usr/bin/python3
"""A local EC2 instance metadata service, IMDSv2 only: the instance-role credential path.

Like the real one with IMDSv1 disabled: a session token comes from
PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 1..21600), and every GET
without a valid X-aws-ec2-metadata-token gets 401. It serves the role name under
/latest/meta-data/iam/security-credentials/, the role's temporary credentials as JSON
below it, and the region under /latest/meta-data/placement/region.

  imds.py --port-file FILE --role NAME --akid ID --secret S --token T [--region R] [--log FILE]
"""
import argparse
import json
import os
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Imds(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, args):
        super().__init__(address, Handler)
        self.args = args
        self.tokens = set()
        self.lock = threading.Lock()
        self.log_file = open(args.log, 'a', encoding='utf-8') if args.log else None

    def log(self, entry):
        if self.log_file is not None:
            with self.lock:
                self.log_file.write(json.dumps(entry, sort_keys=True) + '\n')
                self.log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'EC2ws'

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, content_type='text/plain'):
        body = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.log({'method': self.command, 'path': self.path, 'status': status})

    def do_PUT(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        if self.path != '/latest/api/token':
            self.reply(404, 'Not Found')
            return
        ttl = self.headers.get('X-aws-ec2-metadata-token-ttl-seconds', '')
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            self.reply(400, 'Bad Request')
            return
        token = secrets.token_urlsafe(32)
        with self.server.lock:
            self.server.tokens.add(token)
        self.reply(200, token)

    def do_GET(self):
        a = self.server.args
        token = self.headers.get('X-aws-ec2-metadata-token')
        with self.server.lock:
            valid = token in self.server.tokens
        if not valid:
            self.reply(401, 'Unauthorized')
            return
        base = '/latest/meta-data/iam/security-credentials/'
        if self.path == base:
            self.reply(200, a.role)
        elif self.path == base + a.role:
            self.reply(200, json.dumps({
                'Code': 'Success',
                'LastUpdated': '2024-05-08T10:00:00Z',
                'Type': 'AWS-HMAC',
                'AccessKeyId': a.akid,
                'SecretAccessKey': a.secret,
                'Token': a.token,
                'Expiration': a.expiration,
            }, indent=2))
        elif self.path == '/latest/meta-data/placement/region':
            self.reply(200, a.region)
        else:
            self.reply(404, 'Not Found')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    p.add_argument('--port-file', required=True)
    p.add_argument('--log')
    p.add_argument('--role', required=True)
    p.add_argument('--akid', required=True)
    p.add_argument('--secret', required=True)
    p.add_argument('--token', required=True)
    p.add_argument('--expiration', default='2099-01-01T00:00:00Z')
    p.add_argument('--region', default='us-east-1')
    args = p.parse_args()
    server = Imds(('127.0.0.1', 0), args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w', encoding='ascii') as f:
        f.write(f'{server.server_address[1]}\n')
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == '__main__':
    main()
