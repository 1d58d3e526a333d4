#!/usr/bin/env python3
"""Export a CLIP or SigLIP vision tower to ONNX with a dynamic batch, for the onnx and tensorrt backends.

Runs on a machine with PyTorch and Hugging Face transformers (and the weights): not in CI.

    python3 export_vision_tower.py --model openai/clip-vit-large-patch14 --out clip-vitl14.onnx
    python3 export_vision_tower.py --model google/siglip-so400m-patch14-384 --size 384 --out siglip.onnx

The graph has one input `pixel_values` [N, 3, S, S] (float32, already normalised: the Java side
does resize / crop / mean-std) and one output `patch_tokens` [N, T, D]: the last hidden state, or
with --layer -2 the penultimate one (what LLaVA-style models feed the LLM). CLIP puts a CLS token
first: configure the encoder with dropCls=true; SigLIP has none.
"""
import argparse

import torch
from transformers import AutoConfig, CLIPVisionModel, SiglipVisionModel


class Tower(torch.nn.Module):
    def __init__(self, model, layer):
        super().__init__()
        self.model = model
        self.layer = layer

    def forward(self, pixel_values):
        out = self.model(pixel_values=pixel_values, output_hidden_states=self.layer != -1)
        return out.last_hidden_state if self.layer == -1 else out.hidden_states[self.layer]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="Hugging Face id or local directory")
    parser.add_argument("--out", required=True)
    parser.add_argument("--size", type=int, default=224, help="input side (224 for CLIP ViT-L/14, 384 for SigLIP-384)")
    parser.add_argument("--layer", type=int, default=-1, help="-1 last hidden state, -2 penultimate")
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()

    kind = AutoConfig.from_pretrained(args.model).model_type
    cls = SiglipVisionModel if kind.startswith("siglip") else CLIPVisionModel
    tower = Tower(cls.from_pretrained(args.model).eval(), args.layer)
    dummy = torch.zeros(2, 3, args.size, args.size)
    with torch.no_grad():
        torch.onnx.export(
            tower,
            (dummy,),
            args.out,
            input_names=["pixel_values"],
            output_names=["patch_tokens"],
            dynamic_axes={"pixel_values": {0: "batch"}, "patch_tokens": {0: "batch"}},
            opset_version=args.opset,
        )
    print(f"wrote {args.out} ({cls.__name__}, {args.size}px, layer {args.layer})")


if __name__ == "__main__":
    main()
