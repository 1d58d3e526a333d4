#!/usr/bin/python3
"""Pillow's preprocessing of two test images: the golden outputs of PillowGoldenTest.

Run with Debian's Pillow (apt-get install python3-pil) from this folder:
    /usr/bin/python3 make_golden.py
Inputs: frame.png (a 596x336 frame of ../shared/data/video/videollama-birthday.mp4 at 5 s, decoded
with `ffmpeg -ss 5 -i videollama-birthday.mp4 -frames:v 1 frame.png`) and noise.png (97x61 seeded
noise, written here), so the upsampling path and odd sizes are covered too.

Each output is what the reference pipeline feeds the model before scaling to [0, 1] and
normalizing, as an 8-bit RGB PNG:
- imagenet: torchvision's eval recipe, Resize(256) (shorter side to 256, the longer truncated) with
  PIL bilinear, CenterCrop(224);
- clip: OpenAI CLIP's, Resize(224) with PIL bicubic, CenterCrop(224);
- siglip: resize straight to 224x224 with PIL bicubic, no crop.
"""
import random
from PIL import Image


def resize_shorter(img, size, resample):
    w, h = img.size
    if w <= h:
        return img.resize((size, int(size * h / w)), resample)
    return img.resize((int(size * w / h), size), resample)


def center_crop(img, size):
    w, h = img.size
    left = int(round((w - size) / 2.0))
    top = int(round((h - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def noise():
    rnd = random.Random(20261202)
    img = Image.new("RGB", (97, 61))
    img.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(97 * 61)])
    return img


noise().save("noise.png")
for name in ("frame", "noise"):
    img = Image.open(name + ".png").convert("RGB")
    center_crop(resize_shorter(img, 256, Image.BILINEAR), 224).save(name + "-imagenet.png")
    center_crop(resize_shorter(img, 224, Image.BICUBIC), 224).save(name + "-clip.png")
    img.resize((224, 224), Image.BICUBIC).save(name + "-siglip.png")
