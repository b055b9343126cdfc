"""What the scan shows over time, computed from the index: trends, momentum, related
items, blind spots (insights), the chart geometry they share (charts), and the one
value that holds them all (results).

May import: core, index.
"""
