"""THE use cases of the territory service: the registry of every command it applies, whatever the door (staff's
HTTP routes today; the start-up job and the command line run theirs through the same pipeline).

Each handler is `(command, uow) -> result` and lives with its concern (`label/`, `perimeter/`, `governance/`,
`registers/`: its rule, SQL and handler in one folder); this module registers them, so one page shows everything the
service accepts. A handler reads the territory whole and locked (`uow.territory`: either id, 404, the caller's region
checked on the territory found), runs the rule on the aggregate, and hands the changes and events to the unit of work;
every territory it `touch`es is announced with its next revision at the flush (`repositories.TerritoryUnitOfWork`).
The service consumes nothing yet.
"""

from __future__ import annotations

from tdi_runtime.pipeline import Registry
from tdi_territory import commands as c
from tdi_territory.governance import handlers as governance
from tdi_territory.label import handlers as label
from tdi_territory.perimeter import handlers as perimeter
from tdi_territory.registers import commands as r
from tdi_territory.registers import handlers as registers
from tdi_territory.repositories import TerritoryUnitOfWork

registry: Registry[TerritoryUnitOfWork] = Registry()

# The list and its label
registry.handles(c.PublishReference)(label.publish_reference_if_empty)
registry.handles(c.CorrectReference)(label.correct_reference)
registry.handles(c.AddTerritory)(label.add_territory)
registry.handles(c.WithdrawLabelOf)(label.withdraw_label)
# The perimeter: EPCI and communes
registry.handles(c.JoinEpciOf)(perimeter.join_epci)
registry.handles(c.LeaveEpciOf)(perimeter.leave_epci)
registry.handles(c.LoadOpenData)(perimeter.load_open_data)
# Governance: binômes and chef de projet posts
registry.handles(c.RecordBinomeOf)(governance.record_binome)
registry.handles(c.EndBinomeOf)(governance.end_binome)
registry.handles(c.AppointChefDeProjetOf)(governance.appoint_chef_de_projet)
registry.handles(c.ShareChefDeProjetOf)(governance.share_chef_de_projet)
registry.handles(c.EndChefDeProjetOf)(governance.end_chef_de_projet)
# The registers (issue 24)
registry.handles(r.ProposeSite)(registers.propose_site)
registry.handles(r.AssessSiteCriteriaOf)(registers.assess_site)
registry.handles(r.ChangeSiteMaturityOf)(registers.change_site_maturity)
registry.handles(r.RecordSiteSupportOf)(registers.record_site_support)
registry.handles(r.SelectSiteOf)(registers.select_site)
registry.handles(r.ProposeSiteCandidacy)(registers.propose_candidacy)  # the Démarches simplifiées door
registry.handles(r.RecordCandidacyState)(registers.record_candidacy_state)
registry.handles(r.RecordEcoleDeProduction)(registers.record_ecole)
registry.handles(r.RecordRebondLaureateOf)(registers.record_rebond_laureate)
registry.handles(r.AppointRegionalChefDeProjetOf)(registers.appoint_regional)
registry.handles(r.EndRegionalChefDeProjetOf)(registers.end_regional)
