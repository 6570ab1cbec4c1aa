"""Command line: train LeNet-5 and evaluate a checkpoint.

Examples::

    python -m dlbook train --dataset auto --device auto --epochs 2 --out runs/lenet5
    python -m dlbook evaluate runs/lenet5/lenet5.pt

``train`` shows a progress bar, prints a summary and writes the checkpoint ``lenet5.pt`` (atomically)
and ``history.json`` into the output folder. ``evaluate`` reloads a checkpoint with
``weights_only=True`` and reports its test accuracy and confusion matrix. Both exit with status 0 on
success and 2 with a one-line message on a usage or data error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from dlbook.data import NAMES, DataNotFoundError, load_dataset


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlbook", description="Train and evaluate the lecture's LeNet-5.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train LeNet-5 and write a checkpoint")
    train.add_argument("--dataset", choices=NAMES, default="auto", help="data set (default: auto)")
    train.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default: auto)")
    train.add_argument("--epochs", type=int, default=None, help="passes over the training set")
    train.add_argument("--batch-size", type=int, default=None, help="images per step")
    train.add_argument("--lr", type=float, default=None, help="peak learning rate of the one-cycle schedule")
    train.add_argument(
        "--label-smoothing", type=float, default=None, help="label smoothing epsilon in [0, 1)"
    )
    train.add_argument(
        "--optimizer", choices=("adam", "sgd"), default=None, help="optimiser (default: the recipe's, adam)"
    )
    train.add_argument("--seed", type=int, default=0, help="seed of the initial weights and the shuffling")
    train.add_argument("--out", type=Path, default=Path("runs/lenet5"), help="output folder")
    train.add_argument("--data-root", type=Path, default=None, help="folder holding MNIST/raw/")
    train.add_argument("--no-download", action="store_true", help="never download MNIST")
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    evaluate = sub.add_parser("evaluate", help="report the test accuracy of a checkpoint")
    evaluate.add_argument("checkpoint", type=Path)
    evaluate.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default: auto)")
    evaluate.add_argument("--data-root", type=Path, default=None, help="folder holding MNIST/raw/")
    evaluate.add_argument("--no-download", action="store_true", help="never download MNIST")
    return parser


def _train(args: argparse.Namespace) -> int:
    from dlbook.lenet import build, count_parameters
    from dlbook.train import RECIPES, fit, save_checkpoint

    data = load_dataset(args.dataset, root=args.data_root, download=not args.no_download)
    flags = ("epochs", "batch_size", "lr", "label_smoothing", "optimizer")
    # The book's recipe for the data set, with what the command line sets (a bad value: ValueError, exit 2).
    recipe = replace(
        RECIPES[data.name], **{k: getattr(args, k) for k in flags if getattr(args, k) is not None}
    )
    model = build(args.seed)
    print(
        f"LeNet-5 ({count_parameters(model):,} parameters) on {data.name}: "
        f"{data.n_train:,} training and {data.n_test:,} test images"
    )
    history = fit(model, data, recipe, device=args.device, seed=args.seed, progress=not args.no_progress)
    ckpt = save_checkpoint(args.out / "lenet5.pt", model, data, history)
    (args.out / "history.json").write_text(json.dumps(history.to_dict(), indent=2) + "\n")
    print(
        f"done: {history.epochs} epochs on {history.device}, test accuracy {history.final_accuracy:.2%}, "
        f"{history.train_seconds[-1]:.1f} s of training, {history.images_per_second:,.0f} images/s"
    )
    print(f"checkpoint: {ckpt}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from dlbook.train import confusion_matrix, load_checkpoint, predict_proba

    model, meta = load_checkpoint(args.checkpoint)
    data = load_dataset(meta["dataset"], root=args.data_root, download=not args.no_download)
    probs = predict_proba(model, data.test_images, mean=meta["mean"], std=meta["std"], device=args.device)
    pred = probs.argmax(1)
    accuracy = float((pred == data.test_labels).float().mean())
    cm = confusion_matrix(data.test_labels, pred)
    print(f"{args.checkpoint}: LeNet-5 trained on {meta['dataset']} ({meta['history'].epochs} epochs)")
    print(f"test accuracy {accuracy:.2%} on {data.n_test:,} {data.name} test images")
    print("confusion matrix (rows: true digit, columns: predicted digit):")
    print("      " + " ".join(f"{j:5d}" for j in range(10)))
    for i, row in enumerate(cm.tolist()):
        print(f"{i:5d} " + " ".join(f"{c:5d}" for c in row))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args = _parser().parse_args(argv)
    from dlbook.train import CheckpointError

    try:
        return _train(args) if args.command == "train" else _evaluate(args)
    except (CheckpointError, DataNotFoundError, ValueError) as err:
        print(f"dlbook: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
