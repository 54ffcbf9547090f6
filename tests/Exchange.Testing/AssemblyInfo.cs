namespace Exchange.Testing;
