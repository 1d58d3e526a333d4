"""A real RTSP server for ingest tests: GStreamer's RTSP server serving one H.264 MP4 clip.

Usage: /usr/bin/python3 rtsp_server.py CLIP PORT [MOUNT]
Prints "READY rtsp://127.0.0.1:PORT/MOUNT" on stdout once it listens. Killing the process
(SIGKILL) is a real camera outage: every client's connection drops at once.

The clip is sent as is (no re-encoding, so the server costs almost no CPU) and shared by all
clients. When the clip ends, clients see the end of the stream, which for a live source is
one more outage to recover from; tests pick a clip longer than they run.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    clip, port = sys.argv[1], sys.argv[2]
    mount = sys.argv[3] if len(sys.argv) > 3 else "clip"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        '( filesrc location="%s" ! qtdemux ! h264parse config-interval=-1 '
        "! rtph264pay name=pay0 pt=96 )" % clip.replace('"', '\\"'))
    factory.set_shared(True)
    server.get_mount_points().add_factory("/" + mount, factory)
    if server.attach(None) == 0:
        print("ERROR cannot listen on 127.0.0.1:" + port, flush=True)
        sys.exit(2)
    print("READY rtsp://127.0.0.1:%s/%s" % (port, mount), flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
