"""`kiosk flow-diagram`: the declared visitor flow as Graphviz DOT (or PNG with dot installed)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk flow-diagram`."""
    parser = subparsers.add_parser("flow-diagram", help="print the visitor flow as DOT")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the DOT source of the flow."""
    from statemachine.contrib.diagram import DotGraphMachine

    from kiosk.flow import VisitorFlow

    graph = DotGraphMachine(VisitorFlow).get_graph()  # type: ignore[no-untyped-call]
    print(graph.to_string())
    return 0
