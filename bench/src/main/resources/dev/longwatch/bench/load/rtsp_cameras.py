"""The cameras of `./longwatch bench load`: one GStreamer RTSP server serving many mounts.

Usage: /usr/bin/python3 rtsp_cameras.py ADDRESS PORT MOUNT=CLIP [MOUNT=CLIP ...]
Prints "READY rtsp://ADDRESS:PORT" on stdout once it listens.

Each mount sends its H.264 MP4 clip as is (no re-encoding: a camera costs the server almost no
CPU), paced at the clip's own frame rate by the pipeline clock, as a live camera would. Every
XX
given here are already looped to outlast the run (the benchmark makes them with ffmpeg's
-stream_loop, timestamps continuous), because an RTSP media that reaches its end is an outage.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    address, port, mounts = sys.argv[1], sys.argv[2], sys.argv[3:]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(address)
    server.set_service(port)
    points = server.get_mount_points()
    for mount in mounts:
        name, clip = mount.split("=", 1)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(
            '( filesrc location="%s" ! qtdemux ! h264parse config-interval=-1 '
            "! rtph264pay name=pay0 pt=96 )" % clip.replace('"', '\\"'))
        factory.set_shared(True)
        points.add_factory("/" + name, factory)
    if server.attach(None) == 0:
        print("ERROR cannot listen on %s:%s" % (address, port), flush=True)
        sys.exit(2)
    print("READY rtsp://%s:%s" % (address, port), flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
