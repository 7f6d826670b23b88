using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.Deployment;

/// <summary>
/// A database the server cannot open stops it before it listens: one line naming the setting at fault, never a
/// secret of it, no stack trace, and a non-zero exit code. Run as the real process.
/// </summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static void AssertOneClearLine(int exitCode, string output, string error, string mentions)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.Contain(mentions));
        Assert.That(error + output, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(output, Does.Not.Contain("Now listening"));
    }

    [Test]
    public async Task A_postgresql_server_that_is_not_there_stops_the_server_with_one_line()
    {
        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["Database__Provider"] = "postgres",
                ["ConnectionStrings__Invites"] = "Host=127.0.0.1;Port=1;Database=invites;Username=invites;Password=s3cret-Pa55;Timeout=5",
            },
            Timeout);

        AssertOneClearLine(exitCode, output, error, "ConnectionStrings:Invites");
        Assert.That(error, Does.Contain("127.0.0.1:1"));
        Assert.That(error + output, Does.Not.Contain("s3cret-Pa55"), "the password is never shown");
    }

    [Test]
    public async Task A_refused_postgresql_login_stops_the_server_with_one_line()
    {
        TestPostgres.Require();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(TestPostgres.Variable)) { Password = "wrong-Pa55word" };

        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Database__Provider"] = "postgres", ["ConnectionStrings__Invites"] = builder.ConnectionString },
            Timeout);

        AssertOneClearLine(exitCode, output, error, "ConnectionStrings:Invites");
        Assert.That(error, Does.Contain("password authentication failed"));
        Assert.That(error + output, Does.Not.Contain("wrong-Pa55word"));
    }

    [Test]
    public async Task A_sqlite_file_that_cannot_be_created_stops_the_server_with_one_line()
    {
        var notAFolder = Path.GetTempFileName();
        try
        {
            var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
                new Dictionary<string, string> { ["ConnectionStrings__Invites"] = $"Data Source={notAFolder}/invites.db" },
                Timeout);

            AssertOneClearLine(exitCode, output, error, "ConnectionStrings:Invites");
            Assert.That(error, Does.Contain(notAFolder));
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    [TestCase("redis", "", "RateLimit:Store=redis needs ConnectionStrings:Redis")]
    [TestCase("redis", "password=secret-Pa55", "ConnectionStrings:Redis names no Redis server")]
    [TestCase("memcached", "", "RateLimit:Store 'memcached' is not supported")]
    public async Task A_rate_limit_store_the_server_cannot_use_stops_it_with_one_line(string store, string redis, string message)
    {
        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["RateLimit__Store"] = store, ["ConnectionStrings__Redis"] = redis, ["ConnectionStrings__Invites"] = "Data Source=invites.db" },
            Timeout);

        AssertOneClearLine(exitCode, output, error, message);
        Assert.That(error + output, Does.Not.Contain("secret-Pa55"));
    }

    [Test]
    public async Task A_postgresql_database_that_does_not_start_transactions_read_committed_stops_the_server_with_one_line()
    {
        // The ordering of creates across servers relies on READ COMMITTED (each statement sees what committed before it).
        using var store = TestStore.Create(DatabaseKind.Postgres);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString) { Options = @"-c default_transaction_isolation=repeatable\ read" };

        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Database__Provider"] = "postgres", ["ConnectionStrings__Invites"] = builder.ConnectionString },
            Timeout);

        AssertOneClearLine(exitCode, output, error, "ConnectionStrings:Invites");
        Assert.That(error, Does.Contain("'repeatable read'").And.Contain("'read committed'"));
    }

    [TestCase("postgres", "", "ConnectionStrings:Invites is required")]
    [TestCase("mysql", "Data Source=x.db", "Database:Provider 'mysql' is not supported")]
    public async Task A_database_setting_the_server_cannot_use_stops_it_with_one_line(string provider, string connectionString, string message)
    {
        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Database__Provider"] = provider, ["ConnectionStrings__Invites"] = connectionString },
            Timeout);

        AssertOneClearLine(exitCode, output, error, message);
    }

    [TestCase("Email__PollIntervalSeconds", "0", "Email:PollIntervalSeconds must be a whole number from 1 to 3600 seconds (got 0).")]
    [TestCase("Email__PollIntervalSeconds", "-5", "Email:PollIntervalSeconds must be a whole number from 1 to 3600 seconds (got -5).")]
    [TestCase("Email__PollIntervalSeconds", "abc", "Email:PollIntervalSeconds must be a whole number (got 'abc').")]
    [TestCase("RateLimit__PermitLimit", "abc", "RateLimit:PermitLimit must be a whole number (got 'abc').")]
    [TestCase("RateLimit__WindowSeconds", "0", "RateLimit:WindowSeconds must be a whole number from 1 to 86400 seconds (got 0).")]
    [TestCase("Invites__ExpiryDays", "400", "Invites:ExpiryDays must be a whole number from 1 to 365 days (got 400).")]
    [TestCase("Smtp__Port", "70000", "Smtp:Port must be a whole number from 1 to 65535 (got 70000).")]
    [TestCase("Smtp__Security", "bogus", "Smtp:Security must be one of None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable (got 'bogus').")]
    [TestCase("Email__DispatcherEnabled", "maybe", "Email:DispatcherEnabled must be true or false (got 'maybe').")]
    [TestCase("Email__MaxAttempts", "0", "Email:MaxAttempts must be a whole number from 1 to 1000 (got 0).")]
    [TestCase("Email__From", "nobody", "Email:From must be an email address")]
    [TestCase("Email__AcceptUrl", "/accept", "Email:AcceptUrl must be an absolute http or https URL")]
    [TestCase("ForwardedHeaders__KnownProxies__0", "proxy.local", "ForwardedHeaders:KnownProxies must list IP addresses such as 10.0.0.5 (got 'proxy.local').")]
    [TestCase("ForwardedHeaders__KnownNetworks__0", "10.0.0.0/40", "ForwardedHeaders:KnownNetworks must list networks in CIDR notation")]
    [TestCase("Metrics__Port", "abc", "Metrics:Port must be a whole number (got 'abc').")]
    [TestCase("Metrics__Port", "70000", "Metrics:Port must be a whole number from 1 to 65535 (got 70000).")]
    [TestCase("Tracing__Enabled", "sometimes", "Tracing:Enabled must be true or false (got 'sometimes').")]
    [TestCase("Cors__AllowedOrigins__0", "https://app.example.com/path", "Cors:AllowedOrigins must list origins such as https://app.example.com")]
    public async Task A_setting_out_of_its_range_or_type_stops_the_server_before_it_listens_with_one_line(string key, string value, string message)
    {
        var (exitCode, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { [key] = value, ["ConnectionStrings__Invites"] = "Data Source=invites.db" },
            Timeout);

        AssertOneClearLine(exitCode, output, error, message);
        Assert.That(exitCode, Is.EqualTo(1));
    }

    [TestCase("--help", 0)]
    [TestCase("orgs|create|-h", 0)]
    [TestCase("--version", 0)]
    [TestCase("org|create|--name|x", 2)]
    [TestCase("orgs|create|--name|x|--bogus|x", 2)]
    [TestCase("--environment|Production|orgs|list", 2)]
    [TestCase("--urls|http://127.0.0.1:0|tokens|revoke|--id|x", 2)]
    [TestCase("openapi|write|--out|/proc/no-such-folder", 1)]
    public async Task A_management_command_line_never_starts_the_server(string commandLine, int exitCode)
    {
        var (code, output, error) = await ServerProcess.RunToExitAsync(
            new Dictionary<string, string> { ["ConnectionStrings__Invites"] = "Data Source=invites.db" }, Timeout, commandLine.Split('|'));

        Assert.That(code, Is.EqualTo(exitCode), output + error);
        Assert.That(output + error, Does.Not.Contain("Now listening"));
        Assert.That(exitCode == 0 ? output : error, Is.Not.Empty, "help and version on standard output, usage errors on standard error");
    }
}
