using System.Text.Json;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Organizations;
using JsonApiInvites.Domain.Tokens;
using JsonApiInvites.Persistence;

namespace JsonApiInvites.Api.Cli;

/// <summary>
/// Management verbs on the server's executable, with the server's configuration (SPEC §7):
/// <c>orgs create --name NAME</c> and <c>tokens create --org ID --permissions a,b,c [--name N]</c>, each printing JSON.
/// </summary>
public static class ManagementCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string UsageText =
        """
        usage:
          orgs create --name NAME
          tokens create --org ORG_ID --permissions org.read,org.user.read,org.user.invite[,org.admin] [--name NAME]
          openapi write --out DIRECTORY
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "orgs" or "tokens" or "openapi";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var verb = args[0] == "openapi" ? "write" : "create";
        if (args.Length < 2 || args[1] != verb || !TryReadOptions(args.AsSpan(2), out var options))
        {
            await error.WriteLineAsync(UsageText);
            return Usage;
        }

        if (args[0] == "openapi")
        {
            return await WriteOpenApiAsync(services, options, output, error, cancellationToken);
        }

        if (await DatabaseStartup.PrepareAsync(services, cancellationToken) is { } problem)
        {
            await error.WriteLineAsync(problem);
            return Failed;
        }

        try
        {
            object result = args[0] == "orgs"
                ? await CreateOrganizationAsync(services, options, cancellationToken)
                : await CreateTokenAsync(services, options, cancellationToken);
            await output.WriteLineAsync(JsonSerializer.Serialize(result, JsonApiSerializer.Options));
            return Ok;
        }
        catch (CliException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return exception.ExitCode;
        }
    }

    private static async Task<object> CreateOrganizationAsync(IServiceProvider services, Dictionary<string, string> options, CancellationToken cancellationToken)
    {
        var name = Required(options, "name").Trim();
        if (name.Length is 0 or > 200)
        {
            throw new CliException("--name must be 1 to 200 characters.", Usage);
        }

        var id = Guid.NewGuid();
        var roles = DefaultRoles.For(id);
        var organization = await services.GetRequiredService<IOrganizationRepository>().CreateAsync(name, roles, id, cancellationToken);
        return new
        {
            id = organization.Id,
            name = organization.Name,
            slug = organization.Slug,
            roles = roles.Select(r => new { id = r.Id, key = r.Key, name = r.Name }),
        };
    }

    private static async Task<object> CreateTokenAsync(IServiceProvider services, Dictionary<string, string> options, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(Required(options, "org"), out var organizationId))
        {
            throw new CliException("--org must be an organization id (a UUID).", Usage);
        }

        var permissions = Required(options, "permissions").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = permissions.Where(p => !Permissions.IsKnown(p)).ToList();
        if (permissions.Count == 0 || unknown.Count > 0)
        {
            throw new CliException($"--permissions must list some of {string.Join(", ", Permissions.All)}; unknown: {string.Join(", ", unknown)}.", Usage);
        }

        if (await services.GetRequiredService<IOrganizationRepository>().FindAsync(organizationId, cancellationToken) is null)
        {
            throw new CliException($"Organization {organizationId} does not exist.", Failed);
        }

        var clock = services.GetRequiredService<TimeProvider>();
        var secret = TokenSecret.Generate();
        var token = new ApiToken(Guid.NewGuid(), organizationId, options.GetValueOrDefault("name"), permissions, clock.GetUtcNow());
        await services.GetRequiredService<ITokenRepository>().CreateAsync(token, TokenSecret.Hash(secret), cancellationToken);
        return new { id = token.Id, token = secret, permissions = token.Permissions };
    }

    /// <summary>Writes one OpenAPI document per declared version into the directory (the repository's <c>openapi/</c>).</summary>
    private static async Task<int> WriteOpenApiAsync(IServiceProvider services, Dictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("out", out var directory))
        {
            await error.WriteLineAsync("--out is required.\n" + UsageText);
            return Usage;
        }

        Directory.CreateDirectory(directory);
        foreach (var version in services.GetRequiredService<Versioning.DeclaredVersions>().All)
        {
            var path = Path.Combine(directory, OpenApi.OpenApiDocuments.FileName(version));
            await File.WriteAllTextAsync(path, OpenApi.OpenApiDocuments.Write(version), cancellationToken);
            await output.WriteLineAsync(path);
        }

        return Ok;
    }

    private static bool TryReadOptions(ReadOnlySpan<string> args, out Dictionary<string, string> options)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return false;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return true;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new CliException($"--{name} is required.\n{UsageText}", Usage);

    private sealed class CliException(string message, int exitCode) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }
}
