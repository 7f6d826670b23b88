using System.Buffers;
using System.Collections;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace JsonApiInvites.Persistence.Sqlite;

/// <summary>
/// A read statement compiled once on a pooled connection and run without Microsoft.Data.Sqlite's reader in between.
/// </summary>
/// <remarks>
/// A page of 100 invitations is about 1,000 column reads. Through <see cref="SqliteDataReader"/> each one is three or
/// four calls into SQLite (the row's column count, the column's type, its value), each through a
/// <see cref="SafeHandle"/> that is reference-counted around the call: a fifth of the list's CPU time in the profile.
/// Here a column read is one call (two for text: its bytes and their length), through a function pointer into the very
/// library SQLitePCLRaw loaded, on the raw statement pointer. The statement's <see cref="SafeHandle"/> is still what
/// owns it: it stays referenced while the statement is cached and is disposed (finalized) with the connection.
/// </remarks>
internal sealed unsafe class SqliteStatement : IDisposable
{
    private const int Ok = 0;
    private const int Row = 100;
    private const int Done = 101;
    private const int Integer = 1;
    private const int Float = 2;
    private const int Text = 3;
    private const int Blob = 4;
    private const int Null = 5;

    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _handle;
    private readonly nint _statement;
    private readonly Dictionary<string, int> _parameterIndexes = new(StringComparer.Ordinal);
    private readonly int _parameterCount;
    private bool _running;

    private SqliteStatement(sqlite3 connection, sqlite3_stmt handle)
    {
        _connection = connection;
        _handle = handle;
        _statement = handle.DangerousGetHandle();
        _parameterCount = Native.BindParameterCount(_statement);
    }

    /// <summary>Whether statements can run here (the library's functions were found); otherwise the caller uses Microsoft.Data.Sqlite.</summary>
    public static bool Available => Native.Loaded;

    /// <summary>Compiles <paramref name="sql"/> on <paramref name="connection"/>; null when it is not exactly one statement.</summary>
    public static SqliteStatement? Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var handle, out var tail);
        if (rc != Ok)
        {
            handle?.Dispose();
            throw Error(db, rc);
        }

        if (handle is null || handle.IsInvalid || !string.IsNullOrWhiteSpace(tail))
        {
            handle?.Dispose();
            return null;
        }

        return new SqliteStatement(db, handle);
    }

    /// <summary>Binds <paramref name="parameters"/> and starts the statement; the reader resets it when disposed.</summary>
    /// <returns>Null when a parameter's value has a type this does not bind (the caller runs the command instead).</returns>
    public DbDataReader? Execute(DbParameterCollection parameters)
    {
        if (_running)
        {
            throw new InvalidOperationException("The statement is already running: dispose its reader first.");
        }

        var bound = _parameterCount <= 64 ? stackalloc bool[_parameterCount + 1] : new bool[_parameterCount + 1];
        foreach (DbParameter parameter in parameters)
        {
            if (!Bind(parameter.ParameterName, parameter.Value, bound))
            {
                return null;
            }
        }

        return Start(bound);
    }

    /// <summary>As <see cref="Execute(DbParameterCollection)"/>, for the statements of a write (<see cref="WriteStatement"/>).</summary>
    public DbDataReader? Execute(IReadOnlyList<(string Name, object? Value)> parameters)
    {
        if (_running)
        {
            throw new InvalidOperationException("The statement is already running: dispose its reader first.");
        }

        var bound = _parameterCount <= 64 ? stackalloc bool[_parameterCount + 1] : new bool[_parameterCount + 1];
        for (var i = 0; i < parameters.Count; i++)
        {
            if (!Bind(parameters[i].Name, parameters[i].Value, bound))
            {
                return null;
            }
        }

        return Start(bound);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Binds one parameter the statement names (one it does not name is skipped); false, with the statement reset, for a type this does not bind.</summary>
    private bool Bind(string name, object? value, Span<bool> bound)
    {
        var index = ParameterIndex(name);
        if (index == 0)
        {
            return true;
        }

        if (!Bind(index, value))
        {
            Reset();
            return false;
        }

        bound[index] = true;
        return true;
    }

    private Rows Start(ReadOnlySpan<bool> bound)
    {
        for (var i = 1; i <= _parameterCount; i++)
        {
            if (!bound[i])
            {
                Reset();
                throw new InvalidOperationException($"No value was given for the parameter {raw.sqlite3_bind_parameter_name(_handle, i).utf8_to_string()}.");
            }
        }

        _running = true;
        return new Rows(this);
    }

    private int ParameterIndex(string name)
    {
        if (!_parameterIndexes.TryGetValue(name, out var index))
        {
            index = raw.sqlite3_bind_parameter_index(_handle, name);
            _parameterIndexes[name] = index;
        }

        return index;
    }

    private bool Bind(int index, object? value)
    {
        int rc;
        switch (value)
        {
            case null or DBNull:
                rc = Native.BindNull(_statement, index);
                break;
            case string text:
                rc = BindText(index, text);
                break;
            case long number:
                rc = Native.BindInt64(_statement, index, number);
                break;
            case int number:
                rc = Native.BindInt64(_statement, index, number);
                break;
            case bool flag:
                rc = Native.BindInt64(_statement, index, flag ? 1 : 0);
                break;
            default:
                return false;
        }

        if (rc != Ok)
        {
            throw Error(_connection, rc);
        }

        return true;
    }

    private int BindText(int index, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var bytes = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        Encoding.UTF8.GetBytes(text, bytes);
        try
        {
            fixed (byte* pointer = bytes)
            {
                // SQLITE_TRANSIENT: SQLite copies the text before this returns.
                return Native.BindText(_statement, index, pointer, length, -1);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void Reset()
    {
        Native.Reset(_statement);
        Native.ClearBindings(_statement);
        _running = false;
    }

    private static SqliteException Error(sqlite3 db, int rc) =>
        new(raw.sqlite3_errmsg(db).utf8_to_string() ?? $"SQLite error {rc}.", rc, raw.sqlite3_extended_errcode(db));

    /// <summary>The rows of one run of the statement, read in place: a value is only valid until the next <see cref="Read"/>.</summary>
    private sealed class Rows(SqliteStatement statement) : DbDataReader
    {
        private readonly nint _statement = statement._statement;
        private readonly int _columns = Native.ColumnCount(statement._statement);
        private bool _onRow;
        private bool _done;
        private bool _closed;

        public override int FieldCount => _columns;

        public override bool HasRows => throw new NotSupportedException("Read the rows instead.");

        public override bool IsClosed => _closed;

        public override int RecordsAffected => -1;

        public override int Depth => 0;

        public override object this[int ordinal] => GetValue(ordinal);

        public override object this[string name] => GetValue(GetOrdinal(name));

        public override bool Read()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_done)
            {
                return false;
            }

            var rc = Native.Step(_statement);
            if (rc == Row)
            {
                _onRow = true;
                return true;
            }

            _onRow = false;
            _done = true;
            if (rc != Done)
            {
                // The error is the connection's until the statement is reset: read it first.
                var error = Error(statement._connection, rc);
                Close();
                throw error;
            }

            return false;
        }

        public override bool NextResult() => false;

        public override bool IsDBNull(int ordinal) => Type(ordinal) == Null;

        /// <remarks>A NULL is the caller's to rule out first (<see cref="IsDBNull"/>), as the repositories do for nullable
        /// columns: SQLite reads it as 0, and asking its type on every read would cost a call more per column.</remarks>
        public override long GetInt64(int ordinal)
        {
            CheckRow(ordinal);
            System.Diagnostics.Debug.Assert(Native.ColumnType(_statement, ordinal) != Null, "A NULL read as a number: check IsDBNull first.");
            return Native.ColumnInt64(_statement, ordinal);
        }

        public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

        public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

        public override double GetDouble(int ordinal)
        {
            CheckRow(ordinal);
            System.Diagnostics.Debug.Assert(Native.ColumnType(_statement, ordinal) != Null, "A NULL read as a number: check IsDBNull first.");
            return Native.ColumnDouble(_statement, ordinal);
        }

        public override string GetString(int ordinal) => Encoding.UTF8.GetString(GetUtf8(ordinal));

        /// <summary>The column's text as SQLite holds it (valid until the next read); a NULL is refused, as by <see cref="GetString"/>.</summary>
        public ReadOnlySpan<byte> GetUtf8(int ordinal)
        {
            CheckRow(ordinal);
            var text = Native.ColumnText(_statement, ordinal);
            if (text is null)
            {
                throw new InvalidCastException($"Column {ordinal} is NULL.");
            }

            return new ReadOnlySpan<byte>(text, Native.ColumnBytes(_statement, ordinal));
        }

        public override object GetValue(int ordinal) => Type(ordinal) switch
        {
            Integer => Native.ColumnInt64(_statement, ordinal),
            Float => Native.ColumnDouble(_statement, ordinal),
            Text => GetString(ordinal),
            Blob => GetBlob(ordinal),
            _ => DBNull.Value,
        };

        public override int GetValues(object[] values)
        {
            var count = Math.Min(values.Length, FieldCount);
            for (var i = 0; i < count; i++)
            {
                values[i] = GetValue(i);
            }

            return count;
        }

        public override string GetName(int ordinal) => raw.sqlite3_column_name(statement._handle, ordinal).utf8_to_string();

        public override int GetOrdinal(string name)
        {
            for (var i = 0; i < FieldCount; i++)
            {
                if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(name), name, "No column has this name.");
        }

        public override string GetDataTypeName(int ordinal) => Type(ordinal) switch
        {
            Integer => "INTEGER",
            Float => "REAL",
            Text => "TEXT",
            Blob => "BLOB",
            _ => "NULL",
        };

        public override Type GetFieldType(int ordinal) => Type(ordinal) switch
        {
            Integer => typeof(long),
            Float => typeof(double),
            Text => typeof(string),
            Blob => typeof(byte[]),
            _ => typeof(DBNull),
        };

        public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));

        public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));

        public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

        public override decimal GetDecimal(int ordinal) => (decimal)GetDouble(ordinal);

        public override char GetChar(int ordinal) => GetString(ordinal)[0];

        public override Guid GetGuid(int ordinal) => Guid.Parse(GetUtf8(ordinal));

        public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException("Times are stored as Unix milliseconds: read them with GetInt64.");

        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
            throw new NotSupportedException();

        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) =>
            throw new NotSupportedException();

        public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

        public override void Close()
        {
            if (!_closed)
            {
                _closed = true;
                statement.Reset();
            }
        }

        protected override void Dispose(bool disposing)
        {
            Close();
            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync()
        {
            Close();
            return base.DisposeAsync();
        }

        private byte[] GetBlob(int ordinal)
        {
            var length = Native.ColumnBytes(_statement, ordinal);
            var blob = Native.ColumnBlob(_statement, ordinal);
            return length == 0 ? [] : new ReadOnlySpan<byte>(blob, length).ToArray();
        }

        private int Type(int ordinal)
        {
            CheckRow(ordinal);
            return Native.ColumnType(_statement, ordinal);
        }

        private void CheckRow(int ordinal)
        {
            if (!_onRow || _closed)
            {
                throw new InvalidOperationException("No row is current: call Read first.");
            }

            if ((uint)ordinal >= (uint)_columns)
            {
                throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "No such column.");
            }
        }
    }

    /// <summary>The functions of the SQLite library SQLitePCLRaw's provider loaded, called by pointer on raw handles.</summary>
    private static class Native
    {
        public static readonly bool Loaded;

        private static readonly delegate* unmanaged[Cdecl]<nint, int> s_step;
        private static readonly delegate* unmanaged[Cdecl]<nint, int> s_reset;
        private static readonly delegate* unmanaged[Cdecl]<nint, int> s_clearBindings;
        private static readonly delegate* unmanaged[Cdecl]<nint, int> s_bindParameterCount;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, int> s_bindNull;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, long, int> s_bindInt64;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, byte*, int, nint, int> s_bindText;
        private static readonly delegate* unmanaged[Cdecl]<nint, int> s_columnCount;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, int> s_columnType;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, long> s_columnInt64;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, double> s_columnDouble;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, byte*> s_columnText;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, byte*> s_columnBlob;
        private static readonly delegate* unmanaged[Cdecl]<nint, int, int> s_columnBytes;

#pragma warning disable CA1810 // The pointers are resolved together, or not at all.
        static Native()
#pragma warning restore CA1810
        {
            try
            {
                // The provider's own library, resolved as its P/Invokes are: the same loaded copy, so the same handles.
                var library = NativeLibrary.Load("e_sqlite3", typeof(SQLite3Provider_e_sqlite3).Assembly, null);
                nint Get(string name) => NativeLibrary.GetExport(library, name);
                s_step = (delegate* unmanaged[Cdecl]<nint, int>)Get("sqlite3_step");
                s_reset = (delegate* unmanaged[Cdecl]<nint, int>)Get("sqlite3_reset");
                s_clearBindings = (delegate* unmanaged[Cdecl]<nint, int>)Get("sqlite3_clear_bindings");
                s_bindParameterCount = (delegate* unmanaged[Cdecl]<nint, int>)Get("sqlite3_bind_parameter_count");
                s_bindNull = (delegate* unmanaged[Cdecl]<nint, int, int>)Get("sqlite3_bind_null");
                s_bindInt64 = (delegate* unmanaged[Cdecl]<nint, int, long, int>)Get("sqlite3_bind_int64");
                s_bindText = (delegate* unmanaged[Cdecl]<nint, int, byte*, int, nint, int>)Get("sqlite3_bind_text");
                s_columnCount = (delegate* unmanaged[Cdecl]<nint, int>)Get("sqlite3_column_count");
                s_columnType = (delegate* unmanaged[Cdecl]<nint, int, int>)Get("sqlite3_column_type");
                s_columnInt64 = (delegate* unmanaged[Cdecl]<nint, int, long>)Get("sqlite3_column_int64");
                s_columnDouble = (delegate* unmanaged[Cdecl]<nint, int, double>)Get("sqlite3_column_double");
                s_columnText = (delegate* unmanaged[Cdecl]<nint, int, byte*>)Get("sqlite3_column_text");
                s_columnBlob = (delegate* unmanaged[Cdecl]<nint, int, byte*>)Get("sqlite3_column_blob");
                s_columnBytes = (delegate* unmanaged[Cdecl]<nint, int, int>)Get("sqlite3_column_bytes");
                Loaded = true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                Loaded = false;
            }
        }

        public static int Step(nint statement) => s_step(statement);

        public static int Reset(nint statement) => s_reset(statement);

        public static int ClearBindings(nint statement) => s_clearBindings(statement);

        public static int BindParameterCount(nint statement) => s_bindParameterCount(statement);

        public static int BindNull(nint statement, int index) => s_bindNull(statement, index);

        public static int BindInt64(nint statement, int index, long value) => s_bindInt64(statement, index, value);

        public static int BindText(nint statement, int index, byte* text, int length, nint destructor) => s_bindText(statement, index, text, length, destructor);

        public static int ColumnCount(nint statement) => s_columnCount(statement);

        public static int ColumnType(nint statement, int column) => s_columnType(statement, column);

        public static long ColumnInt64(nint statement, int column) => s_columnInt64(statement, column);

        public static double ColumnDouble(nint statement, int column) => s_columnDouble(statement, column);

        public static byte* ColumnText(nint statement, int column) => s_columnText(statement, column);

        public static byte* ColumnBlob(nint statement, int column) => s_columnBlob(statement, column);

        public static int ColumnBytes(nint statement, int column) => s_columnBytes(statement, column);
    }
}
