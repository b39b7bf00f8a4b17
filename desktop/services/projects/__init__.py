"""项目库 and 资金项目公告: projects through their steps, contracts and disbursements, the year's balances by fund
source, the inspectors' findings, and the notices and ledgers printed for them."""
