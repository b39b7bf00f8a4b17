"""The filial-piety fund (孝善基金): rules, supporters, pledges, payouts, elders and its public documents."""
