using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Persistence;

/// <summary>What a server (or a management command) does with its database before anything else: migrate it.</summary>
public static class DatabaseStartup
{
    /// <summary>
    /// Migrates the database; returns null when it is ready, else one line for the operator that names the setting at
    /// fault (never a secret of the connection string).
    /// </summary>
    public static async Task<string?> PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        Database database;
        try
        {
            database = services.GetRequiredService<Database>();
        }
        catch (DatabaseConfigurationException exception)
        {
            return exception.Message;
        }
        catch (OptionsValidationException exception)
        {
            return exception.Message;
        }

        try
        {
            await services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            return null;
        }
        catch (DatabaseConfigurationException exception)
        {
            return exception.Message;
        }
        catch (Exception exception) when (database.IsUnreachable(exception))
        {
            return $"ConnectionStrings:Invites: cannot open the {database.Describe()}: {OneLine(exception)}";
        }
    }

    private static string OneLine(Exception exception)
    {
        var message = exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{exception.Message} ({inner.Message})"
            : exception.Message;
        return message.ReplaceLineEndings(" ");
    }
}
