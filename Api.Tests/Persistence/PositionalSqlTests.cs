using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Persistence;
using JsonApiInvites.Persistence.Postgres;
using Npgsql;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// PostgreSQL reads go out with positional placeholders, so that Npgsql does not parse and rewrite their text on every
/// execution: the translation must mean exactly what Npgsql's own rewriting meant, and leave alone what it cannot read.
/// </summary>
public sealed class PositionalSqlTests
{
    [Test]
    public void Placeholders_are_numbered_by_first_appearance_and_a_repeated_name_keeps_its_number()
    {
        var translation = PositionalSql.Translate("SELECT id FROM invitations WHERE organization_id = @OrganizationId AND (expires_at > @Now OR resent_at <= @Now) AND id = @Id");

        Assert.That(translation, Is.Not.Null);
        Assert.That(translation!.Sql, Is.EqualTo("SELECT id FROM invitations WHERE organization_id = $1 AND (expires_at > $2 OR resent_at <= $2) AND id = $3"));
        Assert.That(translation.Names, Is.EqualTo(new[] { "OrganizationId", "Now", "Id" }));
    }

    [TestCase("SELECT 'a@b.test', \"@Column\" FROM t WHERE x = @X", "SELECT 'a@b.test', \"@Column\" FROM t WHERE x = $1", TestName = "Quoted text and identifiers are left as they are")]
    [TestCase("SELECT 'it''s @Not' WHERE x = @X", "SELECT 'it''s @Not' WHERE x = $1", TestName = "A doubled quote stays inside its string")]
    [TestCase("SELECT @X::uuid, @X::text", "SELECT $1::uuid, $1::text", TestName = "Casts after a placeholder are kept")]
    [TestCase("SELECT 1 WHERE v @@q AND x = @X", "SELECT 1 WHERE v @@q AND x = $1", TestName = "A name right after @@ is not a placeholder, as Npgsql reads it")]
    [TestCase("SELECT a.b@X, @x_1.y", "SELECT a.b$1, $2", TestName = "A name runs over letters, digits, underscores and dots, as Npgsql reads it")]
    public void Translates(string sql, string expected) =>
        Assert.That(PositionalSql.Translate(sql)?.Sql, Is.EqualTo(expected));

    [TestCase("SELECT 1", TestName = "No placeholder")]
    [TestCase("SELECT $1 WHERE x = @X", TestName = "Already positional or dollar-quoted")]
    [TestCase("SELECT @X; SELECT @Y", TestName = "Several statements")]
    [TestCase("SELECT @X -- @Y\n", TestName = "A line comment")]
    [TestCase("SELECT @X /* @Y */", TestName = "A block comment")]
    [TestCase("SELECT E'\\'' WHERE x = @X", TestName = "A backslash escape")]
    [TestCase("SELECT :Y WHERE x = @X", TestName = "A colon placeholder")]
    [TestCase("SELECT 'open WHERE x = @X", TestName = "An unclosed quote")]
    [TestCase("SELECT @Id::text, @id::text", TestName = "Two names that differ only in case (one parameter to Npgsql)")]
    public void Leaves_to_Npgsql_what_it_might_read_otherwise(string sql) =>
        Assert.That(PositionalSql.Translate(sql), Is.Null);

    [Test]
    public void Parameters_given_out_of_order_are_reordered_to_their_positions_and_unnamed()
    {
        using var command = new NpgsqlCommand("SELECT @B::text || @A::text || @B::text");
        command.Parameters.Add(new NpgsqlParameter("@A", "a"));
        command.Parameters.Add(new NpgsqlParameter("@B", "b"));

        Assert.That(PositionalSql.Apply(command), Is.True);
        Assert.That(command.CommandText, Is.EqualTo("SELECT $1::text || $2::text || $1::text"));
        Assert.That(command.Parameters.Select(p => (p.ParameterName, p.Value)), Is.EqualTo(new[] { ("", (object?)"b"), ("", "a") }));
    }

    [TestCase("@A", "@B", "@C", TestName = "A parameter the text does not name")]
    [TestCase("@A", "@b", null, TestName = "A name in another case (Npgsql matches it; left to Npgsql)")]
    [TestCase("@A", null, null, TestName = "A placeholder without its parameter")]
    public void A_command_whose_parameters_are_not_exactly_its_placeholders_is_left_as_it_is(string first, string? second, string? third)
    {
        const string sql = "SELECT @A::text || @B::text";
        using var command = new NpgsqlCommand(sql);
        foreach (var name in new[] { first, second, third }.OfType<string>())
        {
            command.Parameters.Add(new NpgsqlParameter(name, name));
        }

        Assert.That(PositionalSql.Apply(command), Is.False);
        Assert.That(command.CommandText, Is.EqualTo(sql));
        Assert.That(command.Parameters.Select(p => p.ParameterName), Is.EqualTo(new[] { first, second, third }.OfType<string>()));
    }

    [Test]
    public void A_command_with_an_output_parameter_or_already_translated_is_left_as_it_is()
    {
        using var output = new NpgsqlCommand("SELECT @A::text");
        output.Parameters.Add(new NpgsqlParameter("@A", "a") { Direction = System.Data.ParameterDirection.InputOutput });
        using var twice = new NpgsqlCommand("SELECT @A::text");
        twice.Parameters.Add(new NpgsqlParameter("@A", "a"));

        Assert.That(PositionalSql.Apply(output), Is.False);
        Assert.That(output.Parameters[0].ParameterName, Is.EqualTo("@A"));
        Assert.That(PositionalSql.Apply(twice), Is.True, "the first time");
        Assert.That(PositionalSql.Apply(twice), Is.False, "the second time: already positional");
        Assert.That(twice.CommandText, Is.EqualTo("SELECT $1::text"));
    }

    [Test]
    public async Task The_database_sends_its_reads_positional()
    {
        TestPostgres.Require();
        var (schema, connectionString) = TestPostgres.CreateSchema();
        try
        {
            await using var database = new PostgresDatabase(connectionString);
            await using var session = await database.ReadAsync(CancellationToken.None);
            var command = session.Command("SELECT @B::text || @A::text").With("@A", "a").With("@B", "b");
            await using (var reader = await session.ExecuteReaderAsync(command, CancellationToken.None))
            {
                Assert.That(await reader.ReadAsync(), Is.True);
                Assert.That(reader.GetString(0), Is.EqualTo("ba"));
            }

            Assert.That(command.CommandText, Is.EqualTo("SELECT $1::text || $2::text"), "translated on its way out");
        }
        finally
        {
            TestPostgres.DropSchema(schema);
        }
    }

    [Test]
    public async Task PostgreSQL_reads_the_translated_command_as_it_read_the_named_one()
    {
        var source = TestPostgres.Require();
        const string sql = "SELECT @B::text || @A::text || @B::text || (@N::int + 1)::text WHERE @A::text <> 'it''s @B'";

        async Task<string?> RunAsync(bool positional)
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter("@N", 41));
            command.Parameters.Add(new NpgsqlParameter("@A", "a"));
            command.Parameters.Add(new NpgsqlParameter("@B", "b"));
            if (positional)
            {
                Assert.That(PositionalSql.Apply(command), Is.True);
            }

            return (string?)await command.ExecuteScalarAsync();
        }

        var named = await RunAsync(positional: false);
        var translated = await RunAsync(positional: true);

        Assert.That(translated, Is.EqualTo("bab42"));
        Assert.That(translated, Is.EqualTo(named));
    }
}
