"""Reading and steering the Oomnitza emulator from Python: the Sandbox's Oomnitza methods."""

from collections.abc import Callable

from intune_pipeline.sandbox.oomnitza_bulk import Bulk
from intune_pipeline.sandbox.oomnitza_saas import SaasStore
from intune_pipeline.sandbox.oomnitza_store import UserStore


class OomnitzaOperations:
    """What a Sandbox offers to inspect and steer what Oomnitza holds.

    Each call runs on the servers' event loop, between requests, so it sees a request's
    changes whole or not at all; what it returns is a copy.
    """

    store: UserStore
    bulk: Bulk
    saas: SaasStore
    _call: Callable

    def oomnitza_users(self) -> list[dict]:
        """Copies of the Oomnitza users held now, in uid order."""
        return self._call(lambda: [dict(user) for user in self.store.in_uid_order()])

    def saas_applications(self) -> list[dict]:
        """Copies of the SaaS applications, in saas_id order."""
        return self._call(lambda: [dict(app) for app in self.saas.applications.values()])

    def add_saas(self, saas_name: str, **fields) -> dict:
        """Create a SaaS application as POST /api/v3/saas would; a copy of it."""
        values = self.saas.check({"saas_name": saas_name, **fields})
        return dict(self._call(lambda: self.saas.create(values, by="sandbox")))

    def saas_users(self, saas_id: int | None = None) -> list[dict]:
        """Assignments ("SaaS assigned User" plus saas_user_id, saas_id, active), oldest first;
        those of one application when saas_id is given."""

        def snapshot() -> list[dict]:
            return [
                self.saas.view(assignment)
                for assignment in self.saas.assignments.values()
                if saas_id is None or assignment["saas_id"] == saas_id
            ]

        return self._call(snapshot)

    def drop_oomnitza_records(self, count: int) -> int:
        """Lose the next count bulk writes (adds or updates), though the run log shows them."""
        return self._call(lambda: self.bulk.losses.arm(count))["pending"]

    def dropped_oomnitza_records(self) -> list[dict]:
        """The bulk records lost so far: portion, position, outcome, name and the record."""
        return self._call(lambda: [dict(entry) for entry in self.bulk.losses.dropped])
