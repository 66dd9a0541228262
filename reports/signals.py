"""Cached dashboard figures (core.cache) that come from plans and funding move on when those are written.

The figures made of recognitions, scorecards and units follow the register's standings (register.standings); plans,
targets, registrations, capital lines and disbursements are read live and cached here, so their writes retire the
cached figures of their province. Single saves come through these signals; the bulk imports bump themselves.
"""

from core import cache


def _province_of(instance):
    for path in ("province_id", "line.province_id", "plan.province_id", "target.plan.province_id"):
        obj = instance
        try:
            for part in path.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        return obj
    return None


def figures_changed(sender, instance, **kwargs) -> None:
    province = _province_of(instance)
    cache.bump(f"province:{province}" if province else cache.EVERYTHING)
