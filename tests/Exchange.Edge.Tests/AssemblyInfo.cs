// Each test here runs a whole exchange of processes; one at a time keeps a two-core machine responsive.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
