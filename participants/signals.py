"""Signals of the figures refresh, for apps that keep figures of their own derived from the same moment."""

from django.dispatch import Signal

# Sent by participants.figures.figures_refresh inside its transaction, after the coverage and employer
# figures are written, with `day` (the day the employer figures count): the outreach app marks each
# company's current report then, so the worklists and /gap/ read one consistent state.
figures_refreshed = Signal()
