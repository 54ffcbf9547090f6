using System.CommandLine;

var root = new RootCommand("exchange: the Need-to-Know Exchange command line for integrators and privacy officers");
return root.Parse(args).Invoke();
