Console.WriteLine("Need-to-Know Exchange launcher");
