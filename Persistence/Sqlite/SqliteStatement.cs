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
/// Here the calls go through function pointers into the very library SQLitePCLRaw loaded, on the raw statement
/// pointer. The statement's <see cref="SafeHandle"/> is still what owns it: it stays referenced while the statement is
/// cached and is disposed (finalized) with the connection.
/// <para>
/// SQLite runs serialized: every call takes the connection's (recursive) mutex, two atomic operations each, which
/// the list's profile put at 9 %. <see cref="Rows.Read"/> therefore takes that mutex once, steps, and copies the whole
/// row (types, numbers, text bytes) into buffers of its own before leaving it, inside one synchronous call: each
/// column is one <c>sqlite3_column_value</c> (re-entering a mutex this thread holds) and <c>sqlite3_value_*</c> reads,
/// which take no mutex; none of them can block, which is why they skip the runtime's GC transition. Nothing is left
/// held across an <c>await</c> of the caller, and the getters read the copy, not SQLite. List +4 % in an A/B (seven of
/// eight bursts ahead); the same copy through <c>sqlite3_column_*</c> (a mutex re-entry per call) was 5 % slower.
/// </para>
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
    private const int StatusReprepare = 5; // SQLITE_STMTSTATUS_REPREPARE
    private const int StatusRun = 6; // SQLITE_STMTSTATUS_RUN

    private readonly sqlite3 _connection;
    private readonly sqlite3_stmt _handle;
    private readonly nint _statement;
    private readonly nint _mutex;
    private readonly Dictionary<string, int> _parameterIndexes = new(StringComparer.Ordinal);
    private readonly int _parameterCount;
    private bool _running;

    // The current row, copied out of SQLite (reused from run to run: the statement runs once at a time). Per column:
    // its type; its integer, its double's bits, or where its bytes start in _bytes; the number of those bytes.
    private byte[] _types = [];
    private long[] _values = [];
    private int[] _lengths = [];
    private byte[] _bytes = new byte[1024];

    private SqliteStatement(sqlite3 connection, sqlite3_stmt handle)
    {
        _connection = connection;
        _handle = handle;
        _statement = handle.DangerousGetHandle();
        _mutex = Native.DbMutex(connection.DangerousGetHandle());
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

    /// <summary>Whether a reader of it is open (it is reset when that reader is disposed).</summary>
    public bool IsRunning => _running;

    /// <summary>How often SQLite has run this statement, and how often it had to compile it again first (its plan gone stale).</summary>
    public (int Runs, int Recompiles) Counts => (raw.sqlite3_stmt_status(_handle, StatusRun, 0), raw.sqlite3_stmt_status(_handle, StatusReprepare, 0));

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

    /// <summary>The rows of one run of the statement, each copied out of SQLite by <see cref="Read"/>: a value is only valid until the next <see cref="Read"/>.</summary>
    private sealed class Rows : DbDataReader
    {
        private readonly SqliteStatement _owner;
        private readonly nint _statement;
        private int _columns;
        private nint _stride;
        private bool _onRow;
        private bool _done;
        private bool _closed;

        public Rows(SqliteStatement owner)
        {
            _owner = owner;
            _statement = owner._statement;
            Columns(Native.ColumnCount(_statement));
        }

        private void Columns(int count)
        {
            _columns = count;
            if (_owner._types.Length < count)
            {
                _owner._types = new byte[count];
                _owner._values = new long[count];
                _owner._lengths = new int[count];
            }
        }

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

            int rc;
            SqliteException? error = null;
            _onRow = false;
            Native.MutexEnter(_owner._mutex);
            try
            {
                rc = Native.Step(_statement);
                if (rc == Row)
                {
                    if (_stride == 0)
                    {
                        // The first row: SQLite may have compiled the statement again (a changed table) meanwhile.
                        Columns(Native.ColumnCount(_statement));
                    }

                    CopyRow();
                }
                else if (rc != Done)
                {
                    // The error is the connection's until the statement is reset: read it first.
                    error = Error(_owner._connection, rc);
                }
            }
            finally
            {
                Native.MutexLeave(_owner._mutex);
            }

            if (rc == Row)
            {
                _onRow = true;
                return true;
            }

            _onRow = false;
            _done = true;
            if (error is not null)
            {
                Close();
                throw error;
            }

            return false;
        }

        /// <summary>
        /// How far apart the row's value objects lie, when SQLite keeps them as one array (as it does: a row is a run of
        /// registers): then each column's is found from the first's, without a call into SQLite (and a mutex re-entry)
        /// per column. Checked on the row itself — the last column's must lie where the stride puts it — and -1, a call
        /// per column, where it does not.
        /// </summary>
        private nint RowStride(nint first)
        {
            if (_columns < 2)
            {
                return -1;
            }

            var stride = Native.ColumnValue(_statement, 1) - first;
            return stride > 0 && Native.ColumnValue(_statement, _columns - 1) == first + ((_columns - 1) * stride) ? stride : -1;
        }

        /// <summary>Copies the current row out of SQLite; called with the connection's mutex held.</summary>
        private void CopyRow()
        {
            var types = _owner._types;
            var values = _owner._values;
            var lengths = _owner._lengths;
            var used = 0;
            var first = _columns > 0 ? Native.ColumnValue(_statement, 0) : 0;
            if (_stride == 0)
            {
                _stride = RowStride(first);
            }

            for (var i = 0; i < _columns; i++)
            {
                // The column's value object, then reads of it that (unlike sqlite3_column_*) do not each take the
                // connection's mutex: the value stays valid as this thread holds it.
                var value = i == 0 ? first : _stride > 0 ? first + (i * _stride) : Native.ColumnValue(_statement, i);
                var type = Native.ValueType(value);
                types[i] = (byte)type;
                switch (type)
                {
                    case Integer:
                        values[i] = Native.ValueInt64(value);
                        break;
                    case Float:
                        values[i] = BitConverter.DoubleToInt64Bits(Native.ValueDouble(value));
                        break;
                    case Text or Blob:
                        // The pointer first, then the length (SQLite's documented order). Text is read as a blob: the
                        // same UTF-8 bytes (SQLite's TEXT → BLOB conversion changes nothing), without the terminator
                        // sqlite3_value_text may allocate. A blob may be a zeroblob that SQLite expands (allocates and
                        // fills) here, so it goes through a call with the GC transition.
                        var bytes = type == Text ? Native.ValueTextBytes(value) : Native.ValueBlob(value);
                        var length = Native.ValueBytes(value);
                        if (bytes is null && length > 0)
                        {
                            throw new SqliteException("SQLite ran out of memory reading a value.", 7);
                        }

                        if (used + length > _owner._bytes.Length)
                        {
                            Array.Resize(ref _owner._bytes, Math.Max(_owner._bytes.Length * 2, used + length));
                        }

                        if (length > 0)
                        {
                            new ReadOnlySpan<byte>(bytes, length).CopyTo(_owner._bytes.AsSpan(used));
                        }

                        values[i] = used;
                        lengths[i] = length;
                        used += length;
                        break;
                }
            }
        }

        public override bool NextResult() => false;

        public override bool IsDBNull(int ordinal) => Type(ordinal) == Null;

        public override long GetInt64(int ordinal) => Type(ordinal) switch
        {
            Integer => _owner._values[ordinal],
            Float => (long)BitConverter.Int64BitsToDouble(_owner._values[ordinal]),
            var type => throw NotA("number", ordinal, type),
        };

        public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

        public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

        public override double GetDouble(int ordinal) => Type(ordinal) switch
        {
            Float => BitConverter.Int64BitsToDouble(_owner._values[ordinal]),
            Integer => _owner._values[ordinal],
            var type => throw NotA("number", ordinal, type),
        };

        public override string GetString(int ordinal) => Type(ordinal) switch
        {
            Integer or Float => Convert.ToString(GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture)!,
            _ => Encoding.UTF8.GetString(GetUtf8(ordinal)),
        };

        /// <summary>The column's text as UTF-8 (valid until the next read); a NULL is refused, as by <see cref="GetString"/>.</summary>
        public ReadOnlySpan<byte> GetUtf8(int ordinal)
        {
            var type = Type(ordinal);
            if (type != Text)
            {
                throw NotA("text", ordinal, type);
            }

            return Bytes(ordinal);
        }

        public override object GetValue(int ordinal) => Type(ordinal) switch
        {
            Integer => _owner._values[ordinal],
            Float => BitConverter.Int64BitsToDouble(_owner._values[ordinal]),
            Text => Encoding.UTF8.GetString(Bytes(ordinal)),
            Blob => Bytes(ordinal).ToArray(),
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

        public override string GetName(int ordinal) => raw.sqlite3_column_name(_owner._handle, ordinal).utf8_to_string();

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

        public override string GetDataTypeName(int ordinal) => TypeName(Type(ordinal));

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
                _owner.Reset();
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

        private ReadOnlySpan<byte> Bytes(int ordinal) => _owner._bytes.AsSpan((int)_owner._values[ordinal], _owner._lengths[ordinal]);

        private int Type(int ordinal)
        {
            CheckRow(ordinal);
            return _owner._types[ordinal];
        }

        private static InvalidCastException NotA(string what, int ordinal, int type) =>
            new($"Column {ordinal} is {(type == Null ? "NULL" : TypeName(type))}, not {what}.");

        private static string TypeName(int type) => type switch
        {
            Integer => "INTEGER",
            Float => "REAL",
            Text => "TEXT",
            Blob => "BLOB",
            _ => "NULL",
        };

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
        private static readonly delegate* unmanaged[Cdecl]<nint, nint> s_dbMutex;
        private static readonly delegate* unmanaged[Cdecl]<nint, void> s_mutexEnter;

        // Called only with the connection's mutex held by this thread (Rows.Read), where they cannot block: they skip
        // the GC transition, as [SuppressGCTransition] allows for short calls that neither block nor call back.
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void> s_mutexLeave;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, nint> s_columnValue;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int> s_valueType;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, long> s_valueInt64;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, double> s_valueDouble;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, byte*> s_valueTextBytes;
        private static readonly delegate* unmanaged[Cdecl]<nint, byte*> s_valueBlob;
        private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int> s_valueBytes;

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
                s_dbMutex = (delegate* unmanaged[Cdecl]<nint, nint>)Get("sqlite3_db_mutex");
                s_mutexEnter = (delegate* unmanaged[Cdecl]<nint, void>)Get("sqlite3_mutex_enter");
                s_mutexLeave = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, void>)Get("sqlite3_mutex_leave");
                s_columnValue = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, nint>)Get("sqlite3_column_value");
                s_valueType = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int>)Get("sqlite3_value_type");
                s_valueInt64 = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, long>)Get("sqlite3_value_int64");
                s_valueDouble = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, double>)Get("sqlite3_value_double");
                s_valueTextBytes = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, byte*>)Get("sqlite3_value_blob");
                s_valueBlob = (delegate* unmanaged[Cdecl]<nint, byte*>)Get("sqlite3_value_blob");
                s_valueBytes = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int>)Get("sqlite3_value_bytes");
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

        /// <summary>The connection's mutex (sqlite3_db_mutex; zero where SQLite runs without one, which enter and leave accept).</summary>
        public static nint DbMutex(nint connection) => s_dbMutex(connection);

        public static void MutexEnter(nint mutex) => s_mutexEnter(mutex);

        public static void MutexLeave(nint mutex) => s_mutexLeave(mutex);

        public static nint ColumnValue(nint statement, int column) => s_columnValue(statement, column);

        public static int ValueType(nint value) => s_valueType(value);

        public static long ValueInt64(nint value) => s_valueInt64(value);

        public static double ValueDouble(nint value) => s_valueDouble(value);

        /// <summary>A TEXT value's bytes (sqlite3_value_blob: no terminator added, so nothing allocated).</summary>
        public static byte* ValueTextBytes(nint value) => s_valueTextBytes(value);

        public static byte* ValueBlob(nint value) => s_valueBlob(value);

        public static int ValueBytes(nint value) => s_valueBytes(value);
    }
}
