"""An import-linter contract of our own: no import cycle between the modules of a package.

import-linter's `acyclic_siblings` looks at packages; the areas here use each other's
services module by module (a course page shows the corps' suggestions, the corps reads the
courses), so the rule that matters is between modules: no module may, through any chain of
imports, import itself.
"""

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose):
        prefixes = tuple(self.containers)
        modules = sorted(m for m in graph.modules if m.startswith(prefixes))
        cycles = [c for c in _strongly_connected(graph, modules) if len(c) > 1]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check):
        for cycle in check.metadata["cycles"]:
            output.print_error("Import cycle between: " + ", ".join(sorted(cycle)))
            output.new_line()


def _strongly_connected(graph, modules):
    """Tarjan's algorithm over the import graph, restricted to `modules`."""
    inside = set(modules)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in inside:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            found.append(component)

    for module in modules:
        if module not in index:
            visit(module)
    return found
