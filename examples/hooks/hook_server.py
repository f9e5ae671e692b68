#!/usr/bin/env python3
"""A remote hook in Python's standard library, written to Metacontroller's sync hook contract.

It receives {"parent", "children", "finalizing", ...} and answers {"status", "children"}: one
ConfigMap per Greeting and a status field counting the ConfigMaps it observed. Orkestra's
request is a superset of Metacontroller's, so this server would work under either.

    python3 hook_server.py [PORT]   # default 8000; 0 picks a free port, printed on stdout
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def sync(parent, children):
    observed = len(children["ConfigMap.v1"])
    who = parent.get("spec", {}).get("who", "world")
    desired = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": parent["metadata"]["name"] + "-from-python"},
            "data": {"greeting": "Hello, %s!" % who},
        }
    ]
    return {"status": {"configMaps": observed, "greeting": "Hello, %s!" % who}, "children": desired}


class Controller(BaseHTTPRequestHandler):
    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("content-length"))))
        if request.get("finalizing"):
            response = {"children": [], "finalized": True}
        else:
            response = sync(request["parent"], request["children"])
        body = json.dumps(response).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    server = HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8000), Controller)
    print(server.server_port, flush=True)
    server.serve_forever()
