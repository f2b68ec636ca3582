"""The perimeter of a territory: EPCI memberships over time, communes, the load of the official open data."""
