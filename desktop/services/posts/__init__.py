"""公益岗位: posts, holders, 考核, 工资发放 and their papers."""
