using JsonApiInvites.Persistence.Postgres;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// The settings the server adds to a PostgreSQL connection string when it does not give them (README, "PostgreSQL"),
/// and that one which gives them keeps its own. Nothing here connects: the settings are read off the data source.
/// </summary>
public sealed class PostgresSettingsTests
{
    private const string Plain = "Host=127.0.0.1;Database=invites;Username=invites;Password=invites";

    [Test]
    public async Task Fill_in_what_the_connection_string_leaves_out()
    {
        await using var database = new PostgresDatabase(Plain);

        Assert.That(database.Settings.Multiplexing, Is.True);
        Assert.That(database.Settings.WriteCoalescingBufferThresholdBytes, Is.EqualTo(250));
        Assert.That(database.Settings.MaxAutoPrepare, Is.EqualTo(64));
        Assert.That(database.Settings.NoResetOnClose, Is.True);
        Assert.That(database.Settings.MaxPoolSize, Is.EqualTo(Math.Clamp(4 * Environment.ProcessorCount, 8, 100)), "four per core, from 8 to 100");
    }

    [TestCase("Write Coalescing Buffer Threshold Bytes=1000;Multiplexing=true;Max Auto Prepare=8;No Reset On Close=false;Maximum Pool Size=300")]
    [TestCase("writecoalescingbufferthresholdbytes=1000;multiplexing=true;maxautoprepare=8;noresetonclose=false;maxpoolsize=300")]
    public async Task Keep_what_the_connection_string_gives(string given)
    {
        await using var database = new PostgresDatabase($"{Plain};{given}");

        Assert.That(database.Settings.WriteCoalescingBufferThresholdBytes, Is.EqualTo(1000));
        Assert.That(database.Settings.MaxAutoPrepare, Is.EqualTo(8));
        Assert.That(database.Settings.NoResetOnClose, Is.False);
        Assert.That(database.Settings.MaxPoolSize, Is.EqualTo(300));
    }

    [Test]
    public async Task The_pool_is_never_smaller_than_the_minimum_given()
    {
        var minimum = PostgresDatabase.DefaultMaxPoolSize + 10;

        await using var database = new PostgresDatabase($"{Plain};Minimum Pool Size={minimum}");

        Assert.That(database.Settings.MinPoolSize, Is.EqualTo(minimum));
        Assert.That(database.Settings.MaxPoolSize, Is.EqualTo(minimum));
    }

    [Test]
    public async Task Leave_write_coalescing_and_the_pool_size_alone_without_multiplexing()
    {
        await using var database = new PostgresDatabase($"{Plain};Multiplexing=false");

        Assert.That(database.Settings.Multiplexing, Is.False);
        Assert.That(database.Settings.WriteCoalescingBufferThresholdBytes, Is.EqualTo(new Npgsql.NpgsqlConnectionStringBuilder().WriteCoalescingBufferThresholdBytes));
        Assert.That(database.Settings.MaxPoolSize, Is.EqualTo(new Npgsql.NpgsqlConnectionStringBuilder().MaxPoolSize));
    }
}
