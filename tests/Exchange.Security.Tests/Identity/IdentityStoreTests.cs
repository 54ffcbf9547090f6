using Exchange.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace Exchange.Security.Tests.Identity;

/// <summary>Clients and users live in PostgreSQL in production: the same service, the same tokens.</summary>
public sealed class IdentityStoreTests
{
    private const string PostgresVariable = "EXCHANGE_TEST_POSTGRES";

    [Fact]
    public async Task The_identity_service_registers_clients_and_issues_bound_tokens_from_PostgreSQL()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.Skip($"PostgreSQL variant skipped: {PostgresVariable} is not set (run tests/scripts/postgres.sh start; ./test.sh does).");
        }

        var database = $"identity_test_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            using var pki = new TestPki();
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
            await using (var identity = await TestIdentity.StartAsync(pki, TestPartner.Demo, new Dictionary<string, string?>
            {
                ["Identity:Store:Provider"] = "Postgres",
                ["Identity:Store:ConnectionString"] = connection,
            }))
            {
                using var tokens = identity.TokenClient("politie-zwb");
                var token = new JsonWebToken((await tokens.RequestAsync(TestContext.Current.CancellationToken)).AccessToken);
                Assert.Equal("politie-zwb", token.GetClaim("exchange_org").Value);
            }

            await using var check = new NpgsqlConnection(connection);
            await check.OpenAsync(TestContext.Current.CancellationToken);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM \"OpenIddictApplications\"", check);
            Assert.Equal((long)TestPartner.Demo.Count, (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
