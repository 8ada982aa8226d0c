package acl

// converterNames are the sample converters HAProxy 2.6 registers (as listed
// by "haproxy -dKcnv" of the Debian 2.6 package). lblab implements none of
// them; it needs their names to refuse what HAProxy would read as one.
var converterNames = map[string]bool{

	"add": true, "add_item": true, "aes_gcm_dec": true, "and": true, "b64dec": true, "base64": true,
	"be2dec": true, "be2hex": true, "bool": true, "bytes": true, "capture-req": true, "capture-res": true,
	"concat": true, "cpl": true, "crc32": true, "crc32c": true, "cut_crlf": true, "debug": true,
	"digest": true, "div": true, "djb2": true, "even": true, "field": true, "fix_is_valid": true,
	"fix_tag_value": true, "hex": true, "hex2i": true, "hmac": true, "host_only": true, "htonl": true,
	"http_date": true, "iif": true, "in_table": true, "ipmask": true, "json": true, "json_query": true,
	"jwt_header_query": true, "jwt_payload_query": true, "jwt_verify": true, "language": true, "length": true, "lower": true,
	"ltime": true, "ltrim": true, "map": true, "map_beg": true, "map_beg_int": true, "map_beg_ip": true,
	"map_dir": true, "map_dir_int": true, "map_dir_ip": true, "map_dom": true, "map_dom_int": true, "map_dom_ip": true,
	"map_end": true, "map_end_int": true, "map_end_ip": true, "map_int": true, "map_int_int": true, "map_int_ip": true,
	"map_ip": true, "map_ip_int": true, "map_ip_ip": true, "map_reg": true, "map_reg_int": true, "map_reg_ip": true,
	"map_regm": true, "map_str": true, "map_str_int": true, "map_str_ip": true, "map_sub": true, "map_sub_int": true,
	"map_sub_ip": true, "mod": true, "mqtt_field_value": true, "mqtt_is_valid": true, "mul": true, "nbsrv": true,
	"neg": true, "not": true, "odd": true, "or": true, "port_only": true, "protobuf": true,
	"regsub": true, "rtrim": true, "sdbm": true, "secure_memcmp": true, "set-var": true, "sha1": true,
	"sha2": true, "srv_queue": true, "strcmp": true, "sub": true, "table_bytes_in_rate": true, "table_bytes_out_rate": true,
	"table_conn_cnt": true, "table_conn_cur": true, "table_conn_rate": true, "table_expire": true, "table_gpc": true, "table_gpc0": true,
	"table_gpc0_rate": true, "table_gpc1": true, "table_gpc1_rate": true, "table_gpc_rate": true, "table_gpt": true, "table_gpt0": true,
	"table_http_err_cnt": true, "table_http_err_rate": true, "table_http_fail_cnt": true, "table_http_fail_rate": true, "table_http_req_cnt": true, "table_http_req_rate": true,
	"table_idle": true, "table_kbytes_in": true, "table_kbytes_out": true, "table_server_id": true, "table_sess_cnt": true, "table_sess_rate": true,
	"table_trackers": true, "ub64dec": true, "ub64enc": true, "ungrpc": true, "unset-var": true, "upper": true,
	"url_dec": true, "url_enc": true, "utime": true, "word": true, "wt6": true, "xor": true,
	"xxh3": true, "xxh32": true, "xxh64": true,
}

func isConverter(name string) bool { return converterNames[name] }
